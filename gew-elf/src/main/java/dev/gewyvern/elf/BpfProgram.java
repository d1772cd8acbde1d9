package dev.gewyvern.elf;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.CoreException;
import dev.gewyvern.btf.CoreReloKind;
import dev.gewyvern.btf.CoreRelocationResult;
import dev.gewyvern.btf.CoreResolver;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One program of a BPF object, linked: its own instructions followed by every subprogram it calls,
 * bpf-to-bpf call immediates fixed to relative offsets. Map references are recorded but not yet
 * patched: {@link #encode(MapFdResolver)} patches them with the fds of created maps.
 */
public final class BpfProgram {
    private final String name;
    private final String sectionName;
    private final ProgramSection.Match section;
    private final String problem;
    private final String loadProblem;
    private final List<Insn> insns;
    private final List<MapReference> mapReferences;
    private final List<FuncInfo> funcInfo;
    private final List<LineInfo> lineInfo;
    private final List<String> subprograms;
    private final ByteOrder order;
    private final Btf btf;
    private final List<ExternReference> externReferences;
    private final Map<String, Extern> externs;
    private final List<CoreRelocation> coreRelocations;
    private final List<AppliedCoreRelocation> coreApplied;

    BpfProgram(String name, String sectionName, ProgramSection.Match section, String problem, List<Insn> insns,
               List<MapReference> mapReferences, List<FuncInfo> funcInfo, List<LineInfo> lineInfo,
               List<String> subprograms, ByteOrder order, Btf btf, List<ExternReference> externReferences,
               List<CoreRelocation> coreRelocations) {
        this(name, sectionName, section, problem, null, insns, mapReferences, funcInfo, lineInfo, subprograms, order,
                btf, externReferences, coreRelocations);
    }

    /** A program that cannot be loaded: its name, section and why (no instructions). */
    static BpfProgram unloadable(String name, String sectionName, ProgramSection.Match section, String loadProblem,
                                 ByteOrder order, Btf btf) {
        return new BpfProgram(name, sectionName, section, null, loadProblem, List.of(), List.of(), List.of(), List.of(),
                List.of(), order, btf, List.of(), List.of());
    }

    /** This program, which cannot be loaded for {@code why} (its instructions kept for inspection). */
    BpfProgram unloadable(String why) {
        BpfProgram p = new BpfProgram(name, sectionName, section, problem, why, insns, mapReferences, funcInfo, lineInfo,
                subprograms, order, btf, externReferences, coreRelocations);
        p.externs.putAll(externs);
        return p;
    }

    private BpfProgram(String name, String sectionName, ProgramSection.Match section, String problem,
                       String loadProblem, List<Insn> insns, List<MapReference> mapReferences, List<FuncInfo> funcInfo,
                       List<LineInfo> lineInfo, List<String> subprograms, ByteOrder order, Btf btf,
                       List<ExternReference> externReferences, List<CoreRelocation> coreRelocations) {
        this.loadProblem = loadProblem;
        this.externReferences = List.copyOf(externReferences);
        this.coreRelocations = List.copyOf(coreRelocations);
        this.externs = new HashMap<>();
        this.name = name;
        this.sectionName = sectionName;
        this.section = section;
        this.problem = problem;
        this.insns = List.copyOf(insns);
        this.mapReferences = List.copyOf(mapReferences);
        this.funcInfo = List.copyOf(funcInfo);
        this.lineInfo = List.copyOf(lineInfo);
        this.subprograms = List.copyOf(subprograms);
        this.order = order;
        this.btf = btf;
        this.coreApplied = List.of();
    }

    /** This program with {@code insns} (CO-RE relocated) in place of its own. */
    private BpfProgram(BpfProgram p, List<Insn> insns, List<AppliedCoreRelocation> applied) {
        this.name = p.name;
        this.sectionName = p.sectionName;
        this.section = p.section;
        this.problem = p.problem;
        this.loadProblem = p.loadProblem;
        this.insns = List.copyOf(insns);
        this.mapReferences = p.mapReferences;
        this.funcInfo = p.funcInfo;
        this.lineInfo = p.lineInfo;
        this.subprograms = p.subprograms;
        this.order = p.order;
        this.btf = p.btf;
        this.externReferences = p.externReferences;
        this.externs = p.externs;
        this.coreRelocations = p.coreRelocations;
        this.coreApplied = List.copyOf(applied);
    }

    /**
     * This program with every CO-RE relocation resolved by {@code resolver} (the object's BTF against
     * a target) and written into its instructions. A relocation that cannot be computed or does not
     * fit its instruction is an ElfException naming it, its instruction and source line; one whose
     * target is missing poisons its instruction, which {@link #coreApplied()} records.
     */
    public BpfProgram relocateCore(CoreResolver resolver) {
        if (coreRelocations.isEmpty()) {
            return this;
        }
        List<Insn> out = new ArrayList<>(insns);
        List<AppliedCoreRelocation> applied = new ArrayList<>(coreRelocations.size());
        for (int n = 0; n < coreRelocations.size(); n++) {
            int number = n;
            CoreRelocation r = coreRelocations.get(n);
            Optional<SourceLine> line = sourceLineAt(r.insnIndex());
            String where = "program '" + name + "': CO-RE relocation #" + n + " at insn " + r.insnIndex()
                    + line.map(l -> " (" + l.file() + ":" + l.lineNumber() + ": " + l.text().strip() + ")").orElse("");
            CoreReloKind kind = CoreReloKind.of(r.kind()).orElseThrow(() -> new ElfException(
                    "program '" + name + "': CO-RE relocation #" + number + " has kind " + r.kind()
                            + ", which is not a kind of enum bpf_core_relo_kind this loader knows"));
            if (r.insnIndex() < 0 || r.insnIndex() >= out.size()) {
                throw new ElfException(where + " is outside the program's " + out.size() + " instructions");
            }
            CoreRelocationResult result;
            try {
                result = resolver.resolve(r.section(), r.insnOff(), r.typeId(), btf.string(r.accessStrOff()), kind);
            } catch (CoreException | dev.gewyvern.btf.BtfException e) {
                throw new ElfException(where + ": " + e.getMessage());
            }
            Insn before = out.get(r.insnIndex());
            boolean poisoned = CorePatch.apply(out, r.insnIndex(), result, where);
            applied.add(new AppliedCoreRelocation(n, r, result, before, out.get(r.insnIndex()), poisoned, line));
        }
        return new BpfProgram(this, out, applied);
    }

    /** The CO-RE relocations {@link #relocateCore} applied, in order; empty before (or without any). */
    public List<AppliedCoreRelocation> coreApplied() {
        return coreApplied;
    }

    /** The program's name: its function symbol. */
    public String name() {
        return name;
    }

    /** The ELF section it came from, e.g. {@code tracepoint/syscalls/sys_enter_execve}. */
    public String sectionName() {
        return sectionName;
    }

    /** The section matched to the program-section table; empty for an unknown section. */
    public Optional<ProgramSection.Match> section() {
        return Optional.ofNullable(section);
    }

    /**
     * Why this program cannot be loaded and attached as it stands (its {@link #loadProblem()}, an unknown
     * section, a section that does not name its attach target), or empty.
     */
    public Optional<String> problem() {
        return Optional.ofNullable(loadProblem != null ? loadProblem : problem);
    }

    /**
     * Why this program cannot be loaded at all: its section is unknown, or its code cannot be linked (a
     * relocation, a map or extern that cannot be made, the object's .BTF.ext unreadable); empty when it
     * can be loaded (it may still need a target its section does not name: {@link #problem()}).
     */
    public Optional<String> loadProblem() {
        if (loadProblem != null) {
            return Optional.of(loadProblem);
        }
        return section == null ? Optional.ofNullable(problem) : Optional.empty();
    }

    /** The final instructions (slots; an ld_imm64 takes two), map references not yet patched. */
    public List<Insn> insns() {
        return insns;
    }

    void externs(List<Extern> all) {
        all.forEach(e -> externs.put(e.name(), e));
    }

    /** The CO-RE relocations of the program and its subprograms, by final instruction index. */
    public List<CoreRelocation> coreRelocations() {
        return coreRelocations;
    }

    /** The instructions that refer to .ksyms externs (kernel variables, kfunc calls). */
    public List<ExternReference> externReferences() {
        return externReferences;
    }

    public List<MapReference> mapReferences() {
        return mapReferences;
    }

    /** func_info for BPF_PROG_LOAD, sorted by instruction: the program at 0, then each subprogram. */
    public List<FuncInfo> funcInfo() {
        return funcInfo;
    }

    /** line_info for BPF_PROG_LOAD, sorted by instruction; string offsets refer to the object's BTF. */
    public List<LineInfo> lineInfo() {
        return lineInfo;
    }

    /** The names of the appended subprograms, in the order they were appended. */
    /** The helpers the program calls (after linking), by the kernel's name without {@code bpf_}, in first-call order. */
    public List<String> helpers() {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        for (Insn i : insns) {
            if (i.isCall() && i.src() == 0) {
                String n = HelperNames.name(i.imm());
                names.add(n.startsWith("bpf_") ? n.substring(4) : "helper#" + i.imm());
            }
        }
        return List.copyOf(names);
    }

    public List<String> subprograms() {
        return subprograms;
    }

    /** The object's byte order, which {@link #encode} writes in. */
    public ByteOrder byteOrder() {
        return order;
    }

    /**
     * The instruction bytes for BPF_PROG_LOAD, each map reference's ld_imm64 patched: a map gets
     * {@code src_reg = BPF_PSEUDO_MAP_FD, imm = fd}; global data gets {@code src_reg =
     * BPF_PSEUDO_MAP_VALUE, imm = fd} and its second slot {@code imm = offset}.
     */
    public byte[] encode(MapFdResolver maps) {
        return encode(maps, e -> {
            throw new ElfException("program '" + name + "' uses .ksyms extern '" + e.name()
                    + "', and no kernel symbols were given to resolve it");
        });
    }

    /**
     * As {@link #encode(MapFdResolver)}, and each .ksyms reference patched with what {@code ksyms}
     * found: a kfunc call becomes {@code src_reg = BPF_PSEUDO_KFUNC_CALL, imm = kernel BTF id}; a typed
     * variable's ld_imm64 {@code src_reg = BPF_PSEUDO_BTF_ID, imm = kernel BTF id}; a typeless one's
     * ld_imm64 loads its address; an absent weak one loads 0.
     */
    public byte[] encode(MapFdResolver maps, KsymValue.Resolver ksyms) {
        if (loadProblem != null) {
            throw new ElfException("program '" + name + "' cannot be loaded: " + loadProblem);
        }
        List<Insn> out = new ArrayList<>(insns);
        for (ExternReference ref : externReferences) {
            Extern e = externs.get(ref.name());
            KsymValue v = ksyms.resolve(e);
            int i = ref.insnIndex();
            if (ref.kind() == Extern.Kind.KFUNC) {
                if (!(v instanceof KsymValue.BtfId id)) {
                    throw new ElfException("program '" + name + "' calls kfunc '" + ref.name() + "', which this kernel "
                            + "does not have");
                }
                out.set(i, new Insn(out.get(i).opcode(), 0, Insn.PSEUDO_KFUNC_CALL, 0, id.id()));
            } else if (v instanceof KsymValue.BtfId id) {
                out.set(i, out.get(i).withSrc(Insn.PSEUDO_BTF_ID).withImm(id.id()));
                out.set(i + 1, out.get(i + 1).withImm(0));
            } else {
                long address = v instanceof KsymValue.Address a ? a.address() : 0;
                out.set(i, out.get(i).withSrc(0).withImm((int) address));
                out.set(i + 1, out.get(i + 1).withImm((int) (address >>> 32)));
            }
        }
        for (MapReference ref : mapReferences) {
            int fd = maps.fd(ref.map());
            int i = ref.insnIndex();
            if (ref.kind() == MapReference.Kind.MAP) {
                out.set(i, out.get(i).withSrc(Insn.PSEUDO_MAP_FD).withImm(fd));
            } else {
                out.set(i, out.get(i).withSrc(Insn.PSEUDO_MAP_VALUE).withImm(fd));
                out.set(i + 1, out.get(i + 1).withImm(ref.offset()));
            }
        }
        return Insn.encodeAll(out, order);
    }

    /** The line_info record resolved to text; empty when the object has no BTF. */
    public Optional<SourceLine> sourceLine(LineInfo li) {
        if (btf == null) {
            return Optional.empty();
        }
        return Optional.of(new SourceLine(btf.string(li.fileNameOff()), btf.string(li.lineOff()), li.lineNumber(),
                li.column()));
    }

    /** The source line instruction {@code insnIndex} belongs to (the last line_info at or before it). */
    public Optional<SourceLine> sourceLineAt(int insnIndex) {
        LineInfo best = null;
        for (LineInfo li : lineInfo) {
            if (li.insnIndex() > insnIndex) {
                break;
            }
            best = li;
        }
        return best == null ? Optional.empty() : sourceLine(best);
    }

    /**
     * A verifier-style listing: one line per instruction ({@code "10: (18) r1 = map[exec_counts]"}),
     * each new source line first as {@code "; text @ file:line"}.
     */
    public List<String> disassemble() {
        Map<Integer, MapReference> refs = new HashMap<>();
        for (MapReference r : mapReferences) {
            refs.put(r.insnIndex(), r);
        }
        Map<Integer, LineInfo> lines = new HashMap<>();
        for (LineInfo li : lineInfo) {
            lines.putIfAbsent(li.insnIndex(), li);
        }
        List<String> out = new ArrayList<>();
        int width = Integer.toString(Math.max(0, insns.size() - 1)).length();
        LineInfo shown = null;
        for (int i = 0; i < insns.size(); i++) {
            LineInfo li = lines.get(i);
            if (li != null && (shown == null || li.fileNameOff() != shown.fileNameOff()
                    || li.lineOff() != shown.lineOff())) {
                shown = li;
                Optional<SourceLine> sl = sourceLine(li);
                if (sl.isPresent()) {
                    out.add("; " + sl.get().text().strip() + " @ " + sl.get().file() + ":" + sl.get().lineNumber());
                }
            }
            Insn insn = insns.get(i);
            Insn next = insn.isLdImm64() && i + 1 < insns.size() ? insns.get(i + 1) : null;
            String text;
            MapReference ref = refs.get(i);
            if (ref != null) {
                text = "r" + insn.dst() + " = map[" + ref.map() + "]"
                        + (ref.kind() == MapReference.Kind.DATA ? "[0]+" + ref.offset() : "");
            } else {
                text = insn.toString(next);
            }
            out.add(String.format("%" + width + "d: (%02x) %s", i, insn.opcode(), text));
            if (next != null) {
                i++;
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "program '" + name + "' (section '" + sectionName + "', " + insns.size() + " instructions"
                + (problem == null ? "" : "; " + problem) + ")";
    }
}
