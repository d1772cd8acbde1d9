package dev.gewyvern.elf;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfException;
import dev.gewyvern.btf.BtfExt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A BPF object file (clang {@code -target bpf} / {@code bpfeb} output), parsed: license, kernel
 * version, maps, linked programs and BTF. Pure: bytes in, values out. Malformed input ends in
 * {@link ElfException} (or {@link dev.gewyvern.btf.BtfException} for malformed BTF).
 */
public final class BpfObject {
    private final ByteOrder order;
    private final String license;
    private final int kernelVersion;
    private final List<BpfMap> maps;
    private final List<BpfProgram> programs;
    private final Btf btf;
    private final BtfExt btfExt;
    private final byte[] kernelBtf;
    private final List<GlobalData> globalData;
    private final List<Extern> externs;
    private final List<StructOpsMap> structOps;
    private final List<ObjectProblem> problems;

    private BpfObject(ByteOrder order, String license, int kernelVersion, List<BpfMap> maps, List<BpfProgram> programs,
                      Btf btf, BtfExt btfExt, byte[] kernelBtf, List<GlobalData> globalData, List<Extern> externs,
                      List<StructOpsMap> structOps, List<ObjectProblem> problems) {
        this.problems = List.copyOf(problems);
        this.structOps = List.copyOf(structOps);
        this.globalData = List.copyOf(globalData);
        this.externs = List.copyOf(externs);
        this.order = order;
        this.license = license;
        this.kernelVersion = kernelVersion;
        this.maps = List.copyOf(maps);
        this.programs = List.copyOf(programs);
        this.btf = btf;
        this.btfExt = btfExt;
        this.kernelBtf = kernelBtf;
    }

    /**
     * Parses an object file's bytes (which it does not keep). Only a file that is not a well-formed ELF
     * object ends in an ElfException: anything else that cannot be read is a problem of the item it
     * concerns ({@link #problems()}, {@link BpfProgram#loadProblem()}), and the rest of the object is read.
     */
    public static BpfObject parse(byte[] elfBytes) {
        ElfFile elf = ElfFile.parse(elfBytes.clone());
        List<ObjectProblem> problems = new ArrayList<>();
        String license = attempt(problems, "license", () -> license(elf), "");
        int version = attempt(problems, "version", () -> kernelVersion(elf), 0);

        Btf btf = null;
        byte[] btfBytes = null;
        Optional<ElfSection> btfSec = elf.section(".BTF");
        if (btfSec.isPresent()) {
            try {
                btfBytes = elf.data(btfSec.get());
                btf = Btf.parse(btfBytes.clone());
            } catch (ElfException | BtfException e) {
                problems.add(new ObjectProblem(ObjectProblem.Item.OBJECT, ".BTF", "the object's BTF cannot be read: "
                        + e.getMessage()));
                btf = null;
                btfBytes = null;
            }
        }
        BtfExt ext = null;
        String extProblem = null;
        Optional<ElfSection> extSec = elf.section(".BTF.ext");
        if (extSec.isPresent()) {
            if (btf == null) {
                extProblem = extSec.get().describe() + " cannot be read without the object's BTF";
            } else {
                try {
                    ext = BtfExt.parse(elf.data(extSec.get()), btf);
                } catch (ElfException | BtfException e) {
                    extProblem = "the object's .BTF.ext cannot be read: " + e.getMessage();
                }
            }
            if (extProblem != null) {
                problems.add(new ObjectProblem(ObjectProblem.Item.OBJECT, ".BTF.ext", extProblem
                        + " (its CO-RE relocations, func and line info are unknown)"));
            }
        }

        MapDefinitions.Result maps = MapDefinitions.parse(elf, btf, problems);
        List<Extern> externs = Extern.read(elf, btf, problems);
        java.util.Map<String, String> brokenExterns = new java.util.HashMap<>();
        problems.stream().filter(p -> p.item() == ObjectProblem.Item.EXTERN)
                .forEach(p -> brokenExterns.putIfAbsent(p.name(), p.text()));
        ProgramLinker linker = new ProgramLinker(elf, maps, ext, externs, brokenExterns);
        List<BpfProgram> programs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Btf objectBtf = btf;
        for (Function f : linker.programs()) {
            String secName = f.section().name();
            Optional<ProgramSection.Match> match = ProgramSection.match(secName);
            if (!names.add(f.name())) {
                programs.add(BpfProgram.unloadable(f.name(), secName, match.orElse(null), "another program is named '"
                        + f.name() + "' too", elf.order(), objectBtf));
                continue;
            }
            String problem = match.isEmpty()
                    ? "unknown section '" + secName + "': no program type is known for it"
                    : match.get().problem().orElse(null);
            BpfProgram program;
            try {
                ProgramLinker.Linked linked = linker.link(f);
                program = new BpfProgram(f.name(), secName, match.orElse(null), problem, linked.insns(),
                        linked.references(), linked.funcInfo(), linked.lineInfo(), linked.subprograms(), elf.order(),
                        btf, linked.externs(), linked.coreRelocations());
                program.externs(externs);
                String uses = usesBroken(program, maps);
                if (uses != null) {
                    program = program.unloadable(uses);
                } else if (extProblem != null) {
                    program = program.unloadable(extProblem);
                }
            } catch (ElfException | BtfException e) {
                program = BpfProgram.unloadable(f.name(), secName, match.orElse(null), e.getMessage(), elf.order(), btf);
            }
            programs.add(program);
        }
        for (ProgramLinker.BrokenProgram b : linker.brokenPrograms()) {
            if (names.add(b.name())) {
                programs.add(BpfProgram.unloadable(b.name(), b.section().name(),
                        ProgramSection.match(b.section().name()).orElse(null), b.problem(), elf.order(), btf));
            }
        }
        linker.problems().forEach(p -> problems.add(new ObjectProblem(ObjectProblem.Item.OBJECT, "code", p)));
        byte[] kernelBtf = null;
        if (btf != null) {
            byte[] bytes = btfBytes;
            Btf b = btf;
            kernelBtf = attempt(problems, ".BTF", () -> DatasecFixup.fixup(bytes, b, elf, externs), null);
        }
        List<GlobalData> globalData = attempt(problems, "global data", () -> GlobalData.read(elf, objectBtf), List.of());
        List<StructOpsMap> structOps = attempt(problems, ".struct_ops", () -> StructOpsSections.read(elf, objectBtf),
                List.of());
        return new BpfObject(elf.order(), license, version, new ArrayList<>(maps.maps().values()), programs, btf, ext,
                kernelBtf, globalData, externs, structOps, problems);
    }

    /** The first map of the object the program uses that cannot be made, as the program's problem; null when none. */
    private static String usesBroken(BpfProgram p, MapDefinitions.Result maps) {
        for (MapReference r : p.mapReferences()) {
            String why = maps.broken().get(r.map());
            if (why != null) {
                return "it uses map '" + r.map() + "', which cannot be made: " + why;
            }
        }
        return null;
    }

    /** {@code read}, or {@code otherwise} with its failure recorded as a problem of the object's {@code part}. */
    private static <T> T attempt(List<ObjectProblem> problems, String part, java.util.function.Supplier<T> read,
                                 T otherwise) {
        try {
            return read.get();
        } catch (ElfException | BtfException e) {
            problems.add(new ObjectProblem(ObjectProblem.Item.OBJECT, part, e.getMessage()));
            return otherwise;
        }
    }

    private static String license(ElfFile elf) {
        Optional<ElfSection> sec = elf.section("license");
        if (sec.isEmpty()) {
            return "";
        }
        byte[] data = elf.data(sec.get());
        for (int i = 0; i < data.length; i++) {
            if (data[i] == 0) {
                return new String(data, 0, i, StandardCharsets.UTF_8);
            }
        }
        throw new ElfException(sec.get().describe() + " (" + data.length + " bytes) is not a NUL-terminated string");
    }

    private static int kernelVersion(ElfFile elf) {
        Optional<ElfSection> sec = elf.section("version");
        if (sec.isEmpty()) {
            return 0;
        }
        byte[] data = elf.data(sec.get());
        if (data.length != 4) {
            throw new ElfException(sec.get().describe() + " is " + data.length + " bytes, not a 4-byte kernel version");
        }
        return ByteBuffer.wrap(data).order(elf.order()).getInt();
    }

    /**
     * What of the object cannot be read or used: problems of the object itself (which make it unloadable:
     * {@link #unloadable()}), and of maps and externs left out of {@link #maps()} and {@link #externs()}.
     * Programs carry their own ({@link BpfProgram#loadProblem()}).
     */
    public List<ObjectProblem> problems() {
        return problems;
    }

    /** The problems that make the whole object unloadable (its BTF, global data, code, ...); empty when it loads. */
    public List<ObjectProblem> unloadable() {
        // .BTF.ext and code problems are the programs' own (each says so); the rest concern every program
        return problems.stream().filter(p -> p.item() == ObjectProblem.Item.OBJECT && !p.name().equals(".BTF.ext")
                && !p.name().equals("code")).toList();
    }

    /** The object's byte order: its instructions, BTF and map definitions are in it. */
    public ByteOrder byteOrder() {
        return order;
    }

    /** The {@code license} section's string ("" when there is none). */
    public String license() {
        return license;
    }

    /** The {@code version} section's value (LINUX_VERSION_CODE), 0 when there is none. */
    public int kernelVersion() {
        return kernelVersion;
    }

    public List<BpfMap> maps() {
        return maps;
    }

    public Optional<BpfMap> map(String name) {
        return maps.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** Every program, in section and symbol order, including ones with a {@link BpfProgram#problem()}. */
    public List<BpfProgram> programs() {
        return programs;
    }

    public Optional<BpfProgram> program(String name) {
        return programs.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The object's struct_ops maps ({@code .struct_ops} and {@code .struct_ops.link} variables). */
    public List<StructOpsMap> structOps() {
        return structOps;
    }

    public Optional<StructOpsMap> structOps(String name) {
        return structOps.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The object's externs: .kconfig values and .ksyms kernel symbols and kfuncs. */
    public List<Extern> externs() {
        return externs;
    }

    /**
     * The size of the .kconfig map the loader creates for the object's .kconfig externs (each at its
     * {@link Extern#offset()}, the same layout the kernel BTF's .kconfig DATASEC describes); 0 when none.
     */
    public int kconfigSize() {
        return Extern.kconfigSize(externs);
    }

    /** libbpf's virtual .kconfig externs, whose values the loader computes (see {@link #kconfigValue}). */
    public static final List<String> VIRTUAL_KCONFIG = Kconfig.VIRTUAL;

    /** The virtual externs ({@link #VIRTUAL_KCONFIG}) this object reads, in the order it declares them. */
    public List<String> virtualKconfig() {
        return externs.stream().filter(e -> e.kind() == Extern.Kind.KCONFIG && Kconfig.VIRTUAL.contains(e.name()))
                .map(Extern::name).toList();
    }

    /**
     * The .kconfig map's value: every {@code __kconfig} extern from {@code config} (the kernel's
     * configuration, {@code CONFIG_NAME -> y | n | m | number | "string"}) and {@code virtuals} (the
     * values of libbpf's virtual externs, at least those of {@link #virtualKconfig()}: 0 or 1 for the
     * {@code LINUX_HAS_*} features). A strong extern the configuration lacks is an ElfException naming it.
     */
    public byte[] kconfigValue(java.util.Map<String, String> config, java.util.Map<String, Long> virtuals) {
        return Kconfig.value(externs, btf, order, config, virtuals);
    }

    /** The .kconfig DATASEC's id in the (kernel) BTF: the .kconfig map's value type; 0 when there is none. */
    public int kconfigDatasecId() {
        return btf == null ? 0 : Math.max(0, btf.find(dev.gewyvern.btf.BtfKind.DATASEC, Extern.KCONFIG));
    }

    /** The global data sections (.data, .rodata, .bss and their .name forms) that become array maps. */
    public List<GlobalData> globalData() {
        return globalData;
    }

    /** The global data section {@code section} (e.g. {@code .rodata}), as program map references name it. */
    public Optional<GlobalData> globalData(String section) {
        return globalData.stream().filter(g -> g.section().equals(section)).findFirst();
    }

    /**
     * Checks values given by variable name before load: every name must be a variable of a
     * {@code .rodata} or {@code .data} section (a {@code .bss} variable cannot be preset, as with
     * libbpf) and each value must fit its type. Returns each section's bytes with the values written.
     */
    public java.util.Map<String, byte[]> globalDataValues(java.util.Map<String, VariableValue> values) {
        java.util.Map<String, byte[]> out = new java.util.LinkedHashMap<>();
        for (String name : values.keySet()) {
            boolean settable = globalData.stream().anyMatch(g -> g.kind() != GlobalData.Kind.BSS
                    && g.variable(name).isPresent());
            if (!settable) {
                throw notSettable(name);
            }
        }
        for (GlobalData g : globalData) {
            out.put(g.section(), g.kind() == GlobalData.Kind.BSS ? g.initialValue() : g.initialValue(values, order));
        }
        return out;
    }

    /**
     * A value for the settable variable {@code name} (of a {@code .rodata} or {@code .data} section)
     * given as text, read by its BTF type (see {@link GlobalData#parse(GlobalVariable, String)}).
     */
    public VariableValue globalValue(String name, String text) {
        for (GlobalData g : globalData) {
            if (g.kind() != GlobalData.Kind.BSS && g.variable(name).isPresent()) {
                return g.parse(g.variable(name).get(), text);
            }
        }
        throw notSettable(name);
    }

    /** The error for a name that is no settable variable: where it is instead, and what can be set. */
    private ElfException notSettable(String name) {
        java.util.Set<String> settable = new java.util.TreeSet<>();
        for (GlobalData g : globalData) {
            if (g.kind() != GlobalData.Kind.BSS) {
                g.variables().forEach(v -> settable.add(v.name()));
            }
        }
        boolean bss = globalData.stream().anyMatch(g -> g.kind() == GlobalData.Kind.BSS && g.variable(name).isPresent());
        return new ElfException("no variable '" + name + "' to set" + (bss ? " (it is in .bss, which starts "
                + "as zeros; make it const volatile to configure it)" : "") + "; settable variables: "
                + (settable.isEmpty() ? "none" : String.join(", ", settable)));
    }

    /** The object's BTF as clang wrote it, when it has a .BTF section. */
    public Optional<Btf> btf() {
        return Optional.ofNullable(btf);
    }

    /** The object's .BTF.ext, when it has one. */
    public Optional<BtfExt> btfExt() {
        return Optional.ofNullable(btfExt);
    }

    /**
     * The BTF bytes to give BPF_BTF_LOAD: the object's BTF with every DATASEC's size and VAR
     * offsets filled in from the ELF sections and symbols. Its string section is unchanged, so the
     * programs' line_info string offsets stay valid against it. Empty when the object has no BTF.
     */
    public Optional<byte[]> kernelBtf() {
        return kernelBtf == null ? Optional.empty() : Optional.of(kernelBtf.clone());
    }
}
