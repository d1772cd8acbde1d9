package dev.gewyvern.session;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.gewyvern.btf.BtfException;
import dev.gewyvern.btf.CoreResolver;
import dev.gewyvern.elf.BpfMap;
import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.elf.BpfProgram;
import dev.gewyvern.elf.ElfException;
import dev.gewyvern.elf.Extern;
import dev.gewyvern.elf.FuncInfo;
import dev.gewyvern.elf.GlobalData;
import dev.gewyvern.elf.LineInfo;
import dev.gewyvern.elf.ProgramSection;
import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.LoadedProgram;
import dev.gewyvern.syscall.attr.MapCreateAttr;
import dev.gewyvern.syscall.attr.NativeArg;
import dev.gewyvern.syscall.attr.ProgLoadAttr;
import dev.gewyvern.syscall.kernel.KernelConfig;
import dev.gewyvern.syscall.kernel.KernelRelease;

/**
 * Loads one object's parts as libbpf would: its BTF, its maps (sized from the Pipeline), its global
 * data maps (filled, .rodata frozen) and then any of its programs. Every fd goes through the
 * {@link Sink}, which owns it (the Transaction keeps them for rollback and pins them at commit).
 */
final class ObjectLoader {

    /** Where the loader's kernel objects go. */
    interface Sink {
        /** Takes ownership of {@code fd} and returns it. */
        Fd keep(Fd fd);

        /** A map was created: pin it (at commit) as {@code pinName}. */
        void map(String pinName, Fd fd, int kernelId, String detail);

        /** Something the user should know about how the object was loaded. */
        default void note(String message) {
        }
    }

    /**
     * An object whose BTF and maps exist in the kernel: map fds by map name, global data by section
     * name, the resolver of its CO-RE relocations (null when it has none), and the maps the kernel took
     * only without the BTF types the object gives them.
     */
    record Staged(String id, BpfObject object, Fd btf, Map<String, Fd> maps, CoreResolver core,
                  List<String> mapsWithoutBtf) {}

    private ObjectLoader() {
    }

    /**
     * Parses an object of either byte order (the compatibility check refuses the other one); a broken one, or
     * one with a part that cannot be loaded, is a stage error naming the object.
     */
    static BpfObject read(String id, String describe, byte[] bytes) {
        BpfObject obj;
        try {
            obj = BpfObject.parse(bytes);
        } catch (ElfException | BtfException e) {
            throw SessionException.invalid(Step.STAGE, "object '" + id + "' (" + describe + ") is not a usable BPF object: "
                    + e.getMessage());
        }
        if (!obj.unloadable().isEmpty()) {
            throw SessionException.invalid(Step.STAGE, "object '" + id + "' (" + describe + ") cannot be loaded: "
                    + String.join("; ", obj.unloadable().stream().map(Object::toString).toList())
                    + " (`gew object inspect` lists what it has)");
        }
        return obj;
    }

    /**
     * Why an object cannot run on this kernel for its byte order, or empty when it can. The kernel takes
     * instructions, BTF and map values in its own byte order (this JVM's, on the same machine), so an
     * object built for the other one would be read byte-swapped.
     */
    static java.util.Optional<String> foreignByteOrder(BpfObject obj) {
        if (obj.byteOrder() == ByteOrder.nativeOrder()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("is " + endian(obj.byteOrder()) + " (clang -target " + target(obj.byteOrder())
                + ") and this kernel is " + endian(ByteOrder.nativeOrder()) + ": rebuild it with clang -target "
                + target(ByteOrder.nativeOrder()));
    }

    static String endian(ByteOrder order) {
        return order == ByteOrder.LITTLE_ENDIAN ? "little-endian" : "big-endian";
    }

    private static String target(ByteOrder order) {
        return order == ByteOrder.LITTLE_ENDIAN ? "bpf or bpfel" : "bpfeb";
    }

    /** Loads the object's BTF and creates its maps and global data maps. */
    static Staged stage(PreparedObject prepared, Sink sink) {
        dev.gewyvern.proto.v1.BpfObject o = prepared.spec();
        BpfObject obj = prepared.parsed();
        foreignByteOrder(obj).ifPresent(why -> {
            throw SessionException.invalid(Step.STAGE, "object '" + o.getId() + "' (" + prepared.describe() + ") " + why);
        });
        Fd btf = null;
        if (obj.kernelBtf().isPresent()) {
            btf = sink.keep(Bpf.loadBtf(obj.kernelBtf().get(), "object '" + o.getId() + "'"));
        }
        Map<String, Fd> maps = new LinkedHashMap<>();
        List<String> withoutBtf = new java.util.ArrayList<>();
        ObjectSettings.checkMapNames(o, obj);
        Map<String, byte[]> globals = ObjectSettings.globalData(o, obj);
        for (BpfMap m : ObjectSettings.sizedAll(o, obj, sink::note)) {
            Ids.checkObjectName("map", m.name());
            int innerFd = 0;
            if (m.inner() != null) {
                // a template for the kernel to check inner maps against; closed with the session's fds, not pinned
                MapCreation.Created inner = MapCreation.create(m.inner(), "", btf, 0);
                innerFd = sink.keep(inner.fd()).value();
                if (inner.btfDropped()) {
                    sink.note("map " + m.name() + "'s inner map template: " + inner.why());
                }
            }
            MapCreation.Created created = MapCreation.create(m, m.name(), btf, innerFd);
            Fd fd = sink.keep(created.fd());
            if (created.btfDropped()) {
                withoutBtf.add(m.name());
                sink.note("map " + m.name() + ": " + created.why());
            }
            maps.put(m.name(), fd);
            sink.map(m.name(), fd, Bpf.mapInfo(fd).id(), "object " + o.getId());
            ObjectSettings.fill(o, m, fd);
            if (m.pinning() != BpfMap.PIN_NONE) {
                sink.note("map " + m.name() + " asks to be pinned by name (LIBBPF_PIN_BY_NAME); gewyvern pins it in "
                        + "the session's own folder only and never shares or reuses a map pinned elsewhere");
            }
        }
        for (BpfMap m : obj.maps()) {
            for (BpfMap.Slot slot : m.initialValues()) {
                if (slot.kind() == BpfMap.Slot.Kind.MAP) {
                    setSlot(o.getId(), m, maps.get(m.name()), slot, maps.get(slot.target()));
                }
            }
        }
        for (GlobalData g : obj.globalData()) {
            maps.put(g.section(), globalData(o.getId(), g, globals.get(g.section()), btf, sink));
        }
        if (obj.kconfigSize() > 0) {
            maps.put(Extern.KCONFIG, kconfig(o.getId(), obj, btf, sink));
        }
        return new Staged(o.getId(), obj, btf, maps, prepared.core(), withoutBtf);
    }

    /**
     * The program with its CO-RE relocations applied; a relocation that cannot be applied is a verify
     * error naming it (its instruction, source line and why).
     */
    static BpfProgram relocated(Staged s, BpfProgram prog) {
        if (prog.coreRelocations().isEmpty()) {
            return prog;
        }
        try {
            return prog.relocateCore(s.core());
        } catch (ElfException e) {
            throw SessionException.invalid(Step.VERIFY, "object '" + s.id() + "': " + e.getMessage());
        }
    }

    /**
     * Fills the program arrays' {@code values}: each slot gets the fd of the program it names, which
     * {@code program} loads when the Pipeline did not (libbpf loads every program of an object; a
     * tail-call target needs no attach target of its own).
     */
    static void fillProgramArrays(Staged s, java.util.function.Function<String, Fd> program) {
        for (BpfMap m : s.object().maps()) {
            for (BpfMap.Slot slot : m.initialValues()) {
                if (slot.kind() == BpfMap.Slot.Kind.PROGRAM) {
                    setSlot(s.id(), m, s.maps().get(m.name()), slot, program.apply(slot.target()));
                }
            }
        }
    }

    private static void setSlot(String objectId, BpfMap m, Fd map, BpfMap.Slot slot, Fd value) {
        if (m.keySize() != 4) {
            throw SessionException.invalid(Step.STAGE, "object '" + objectId + "': map '" + m.name() + "' has " + m.keySize()
                    + "-byte keys; initial values need 4-byte (u32) keys");
        }
        byte[] key = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(slot.index()).array();
        byte[] fd = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value.value()).array();
        Bpf.update(map, key, fd, 0);
    }

    /** The pin name of a global data map: {@code <object>_<section>}, as bpftool makes it (bpffs refuses '.'). */
    static String globalDataPinName(String objectId, GlobalData g) {
        return (Character.isDigit(objectId.charAt(0)) ? "_" : "")
                + (objectId + g.section()).replace('-', '_').replace('.', '_');
    }

    /**
     * A global data section as libbpf makes it: a one-element array whose value is the section (typed
     * by its DATASEC when the object has BTF), filled with the section's bytes and the Pipeline's
     * values, and frozen when it is .rodata.
     */
    private static Fd globalData(String objectId, GlobalData g, byte[] value, Fd btf, Sink sink) {
        boolean typed = btf != null && g.btfDatasecId() != 0;
        Fd fd = sink.keep(Bpf.createMap(MapCreateAttr.of(MapType.ARRAY, 4, g.size(), 1).withFlags(g.mapFlags())
                .withName(g.mapName(objectId)).withBtf(typed ? btf.value() : 0, 0, typed ? g.btfDatasecId() : 0)));
        Bpf.update(fd, new byte[4], value, 0);
        if (g.frozen()) {
            Bpf.freeze(fd);
        }
        sink.map(Ids.checkObjectName("map", globalDataPinName(objectId, g)), fd, Bpf.mapInfo(fd).id(),
                "object " + objectId + " " + g.section() + (g.frozen() ? " (frozen)" : ""));
        return fd;
    }

    /** What CONFIG_* externs read: the running kernel's configuration, values as its file writes them. */
    static Map<String, String> kernelConfig() {
        return KernelConfig.running().map(KernelConfig::values).orElseThrow(() -> SessionException.system(Step.STAGE,
                "the object reads CONFIG_* values (.kconfig externs) but neither /proc/config.gz nor /boot/config-"
                        + KernelRelease.running().text() + " can be read; enable CONFIG_IKCONFIG_PROC or install the "
                        + "kernel's config file"));
    }

    /** The .kconfig map as libbpf makes it: read-only for programs, filled from the kernel's configuration, frozen. */
    private static Fd kconfig(String objectId, BpfObject obj, Fd btf, Sink sink) {
        boolean needsConfig = obj.externs().stream().anyMatch(e -> e.kind() == Extern.Kind.KCONFIG
                && e.name().startsWith("CONFIG_"));
        byte[] value;
        try {
            value = obj.kconfigValue(needsConfig ? kernelConfig() : Map.of(),
                    VirtualKconfig.values(obj.virtualKconfig()));
        } catch (ElfException e) {
            throw SessionException.invalid(Step.STAGE, "object '" + objectId + "': " + e.getMessage());
        }
        int datasec = obj.kconfigDatasecId();
        boolean typed = btf != null && datasec != 0;
        Fd fd = sink.keep(Bpf.createMap(MapCreateAttr.of(MapType.ARRAY, 4, value.length, 1)
                .withFlags(GlobalData.F_RDONLY_PROG | GlobalData.F_MMAPABLE)
                .withName(GlobalData.internalMapName(objectId, Extern.KCONFIG))
                .withBtf(typed ? btf.value() : 0, 0, typed ? datasec : 0)));
        Bpf.update(fd, new byte[4], value, 0);
        Bpf.freeze(fd);
        String pin = (Character.isDigit(objectId.charAt(0)) ? "_" : "") + objectId.replace('-', '_') + "_kconfig";
        sink.map(Ids.checkObjectName("map", pin), fd, Bpf.mapInfo(fd).id(), "object " + objectId + " .kconfig (frozen)");
        return fd;
    }

    /**
     * What a program is loaded against when its section alone does not say: a struct_ops member (expected
     * attach type = the member's index, attach_btf_id = the kernel struct) or a freplace target (attach_btf_id
     * = the function in the target program's BTF, {@code attachProgFd} = the target program).
     */
    record LoadTarget(int expectedAttachType, int attachBtfId, int attachProgFd, String describe) {}

    /** BPF_PROG_LOAD of one program of a staged object; the verifier's refusal is a verify error with its log. */
    static LoadedProgram load(Staged s, String name, int logLevel) {
        return load(s, name, logLevel, null);
    }

    /** As {@link #load(Staged, String, int)}, against {@code target} when it is not null. */
    static LoadedProgram load(Staged s, String name, int logLevel, LoadTarget target) {
        BpfProgram prog = relocated(s, program(s, name));
        ProgramSection.Match match = section(s, prog);
        if (target == null && match.kind().target() == ProgramSection.Target.STRUCT_OPS) {
            throw SessionException.invalid(Step.VERIFY, "program '" + name + "' is a struct_ops program (section '"
                    + prog.sectionName() + "'): it is loaded with the struct_ops map that points to it; give that "
                    + "map a struct_ops target instead (struct_ops maps of object '" + s.id() + "': "
                    + (s.object().structOps().isEmpty() ? "none" : String.join(", ", s.object().structOps().stream()
                    .map(dev.gewyvern.elf.StructOpsMap::name).toList())) + ")");
        }
        byte[] insns;
        try {
            insns = encode(s, name, prog);
        } catch (ElfException e) {
            throw SessionException.invalid(Step.VERIFY, "object '" + s.id() + "': " + e.getMessage());
        }
        Fd btf = s.btf();
        ProgLoadAttr attr = ProgLoadAttr.of(match.kind().progType(), new NativeArg.In(insns), s.object().license(), name)
                .withExpectedAttachType(target == null ? match.kind().expectedAttachType() : target.expectedAttachType())
                .withVersionAndFlags(s.object().kernelVersion(), match.kind().progFlags())
                .withAttachBtf(target == null ? AttachBtf.id(name, match) : target.attachBtfId(),
                        target == null ? 0 : target.attachProgFd());
        if (btf != null) {
            attr = attr.withBtf(btf.value(), funcInfo(prog.funcInfo()), lineInfo(prog.lineInfo()));
        }
        try {
            return Bpf.loadProgram(attr, logLevel);
        } catch (BpfException e) {
            throw SessionException.kernel(Step.VERIFY, "the kernel refused program '" + name + "' of object '" + s.id()
                    + "' (" + match.kind().progType().constant() + ", section '" + prog.sectionName() + "'"
                    + (target == null ? "" : ", " + target.describe()) + "): "
                    + e.getMessage() + CorePoison.explain(prog, e.verifierLog()), e.verifierLog(), e);
        }
    }

    private static byte[] encode(Staged s, String name, BpfProgram prog) {
        return prog.encode(map -> {
            Fd fd = s.maps().get(map);
            if (fd == null) {
                throw SessionException.invalid(Step.VERIFY, "program '" + name + "' uses map '" + map + "', which object '"
                        + s.id() + "' does not define");
            }
            return fd.value();
        }, new KernelSymbols(s.id(), s.object()));
    }

    static BpfProgram program(Staged s, String name) {
        return s.object().program(name).orElseThrow(() -> SessionException.invalid(Step.VERIFY, "object '" + s.id()
                + "' has no program '" + name + "' (it has: "
                + String.join(", ", s.object().programs().stream().map(BpfProgram::name).toList()) + ")"));
    }

    static ProgramSection.Match section(Staged s, BpfProgram prog) {
        if (prog.loadProblem().isPresent() && prog.section().isPresent()) {
            throw SessionException.invalid(Step.VERIFY, "program '" + prog.name() + "' of object '" + s.id()
                    + "' cannot be loaded: " + prog.loadProblem().get());
        }
        return prog.section().orElseThrow(() -> SessionException.invalid(Step.VERIFY, "program '" + prog.name()
                + "' cannot be loaded: " + prog.problem().orElse("section '" + prog.sectionName()
                + "' is not one gewyvern knows")));
    }

    private static NativeArg.In funcInfo(List<FuncInfo> infos) {
        ByteBuffer b = ByteBuffer.allocate(infos.size() * ProgLoadAttr.FUNC_INFO_REC_SIZE).order(ByteOrder.nativeOrder());
        for (FuncInfo f : infos) {
            b.putInt(f.insnIndex()).putInt(f.typeId());
        }
        return new NativeArg.In(b.array());
    }

    private static NativeArg.In lineInfo(List<LineInfo> infos) {
        ByteBuffer b = ByteBuffer.allocate(infos.size() * ProgLoadAttr.LINE_INFO_REC_SIZE).order(ByteOrder.nativeOrder());
        for (LineInfo l : infos) {
            b.putInt(l.insnIndex()).putInt(l.fileNameOff()).putInt(l.lineOff()).putInt(l.lineCol());
        }
        return new NativeArg.In(b.array());
    }
}
