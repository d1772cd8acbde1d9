package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import dev.gewyvern.elf.BpfMap;
import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.elf.BpfProgram;
import dev.gewyvern.elf.GlobalData;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.LoadedProgram;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every testdata object, loaded for real by gewyvern's loader and by {@code bpftool prog loadall}
 * (a test may use bpftool to look): both load the same programs and maps, by the names bpftool pins
 * them. Objects bpftool cannot load (sections its libbpf 1.1 does not know; programs this kernel
 * refuses by policy) are checked for exactly that refusal, and gewyvern's own result is asserted.
 * Each test works in its own folder /sys/fs/bpf/gwo-objects-<pid>-<name> and removes exactly it.
 */
class ObjectsKernelTest {
    /**
     * Objects of tracing programs only (fentry/fexit/fmod_ret/LSM), which a kernel whose policy refuses the
     * tracing program type (the capability report says so) refuses whole with EPERM.
     */
    private static final Set<String> TRACING_ONLY = Set.of("tracing");

    private static boolean refusedByPolicy(String name) {
        return TRACING_ONLY.contains(name) && dev.gewyvern.syscall.probes.Capabilities.withoutHelpers()
                .support(dev.gewyvern.syscall.probes.Capability.Category.PROGRAM_TYPE, "tracing")
                instanceof dev.gewyvern.syscall.probes.Support.NotSupported ns
                && ns.why() == dev.gewyvern.syscall.probes.Support.Why.REFUSED_BY_POLICY;
    }
    /** Objects with sections newer than the bpftool here: bpftool refuses the object, gewyvern loads it. */
    private static final Set<String> NEWER_THAN_BPFTOOL = Set.of("sections_new", "attachkinds", "netkit", "uprobemulti",
            "uprobesession");
    /** Objects with a legacy "maps" section, which libbpf 1.0+ (and so bpftool) refuses and gewyvern loads. */
    private static final Set<String> LEGACY_MAPS = Set.of("legacy", "iproute2");
    /**
     * CO-RE objects written against the target BTFs of testdata/core (CoreRelocKernelTest), not the running
     * kernel: libbpf finds no candidate for their fields here, poisons the accesses, and the verifier refuses
     * the object; gewyvern loads the programs whose every access is guarded and refuses the others the same way.
     */
    private static final Set<String> TARGET_BTF_ONLY = Set.of("core_reloc");
    /** The programs of {@link #TARGET_BTF_ONLY} objects that load against any kernel: only guarded relocations. */
    private static final Set<String> GUARDED = Set.of("read_enums", "read_types");
    /**
     * Objects written for gew-btf's parser (testdata/btfkinds: every BTF kind), whose program the
     * verifier refuses; both loaders must get the verifier's EACCES.
     */
    private static final Set<String> VERIFIER_REFUSES = Set.of("btfkinds");
    /**
     * Objects with programs that need a target their section alone does not give (freplace, struct_ops)
     * next to programs this kernel refuses by policy; bpftool refuses them whole, gewyvern is checked program
     * by program (testdata/src/tracing_kinds.bpf.c, struct_ops.bpf.c).
     */
    private static final Set<String> TARGETED = Set.of("tracing_kinds", "struct_ops");

    /**
     * CO-RE objects written against a module's type (testdata/src/core_module.bpf.c: tcp_bbr's struct bbr):
     * both loaders find it in vmlinux where the module is built in, in the module's split BTF where it is
     * loaded; where neither has it, neither finds a candidate, and the object is refused as a
     * {@link #TARGET_BTF_ONLY} one is.
     */
    private static final Map<String, String> MODULE_TYPES = Map.of("core_module", "tcp_bbr");

    private static boolean moduleMissing(String name) {
        return MODULE_TYPES.containsKey(name)
                && dev.gewyvern.syscall.kernel.KernelBtf.shared().vmlinux().find(dev.gewyvern.btf.BtfKind.STRUCT, "bbr") < 0
                && !Files.exists(Path.of("/sys/kernel/btf", MODULE_TYPES.get(name)));
    }

    /** The object's kfuncs (non-weak __ksym functions) the kernel's BTF has no function for, in order. */
    static List<String> missingKfuncs(Path obj) throws IOException {
        List<String> out = new ArrayList<>();
        for (dev.gewyvern.elf.Extern x : BpfObject.parse(Files.readAllBytes(obj)).externs()) {
            if (x.kind() == dev.gewyvern.elf.Extern.Kind.KFUNC && !x.weak()
                    && dev.gewyvern.syscall.kernel.KernelTypes.running().function(x.name()) < 0) {
                out.add(x.name());
            }
        }
        return out;
    }

    /**
     * What gewyvern's own compatibility check (what {@code gew session apply --object OBJ --load-only --dry-run}
     * shows) says this kernel lacks for the object with every program load-only: "object/program" and
     * "object/map" names of the not-supported requirements (6.1: netfilter programs, cgrp_storage maps, fmod_ret
     * on a function off the error-injection list).
     */
    static Set<String> notSupported(Path obj, String name) {
        dev.gewyvern.proto.v1.Pipeline.Builder p = dev.gewyvern.proto.v1.Pipeline.newBuilder().setName("objects")
                .addObjects(dev.gewyvern.proto.v1.BpfObject.newBuilder().setId(name).setPath(obj.toString()));
        try {
            for (BpfProgram prog : BpfObject.parse(Files.readAllBytes(obj)).programs()) {
                p.addPrograms(dev.gewyvern.proto.v1.Program.newBuilder().setObject(name).setName(prog.name())
                        .setAttach(dev.gewyvern.proto.v1.AttachTarget.newBuilder()
                                .setLoadOnly(dev.gewyvern.proto.v1.LoadOnly.getDefaultInstance())));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Set<String> out = new TreeSet<>();
        for (Requirement r : Compatibility.of(PreparedPipeline.of(p.build()),
                dev.gewyvern.syscall.probes.Capabilities.withoutHelpers())) {
            if (r.level() == Requirement.Level.NOT_SUPPORTED) {
                out.addAll(List.of(r.neededBy().split(", ")));
            }
        }
        return out;
    }

    /** Whether bpftool loads the object (its name as libbpf gives it) on this machine. */
    static boolean bpftoolLoads(String name) {
        return !refusedByPolicy(name) && !NEWER_THAN_BPFTOOL.contains(name) && !LEGACY_MAPS.contains(name)
                && !TARGET_BTF_ONLY.contains(name) && !VERIFIER_REFUSES.contains(name) && !TARGETED.contains(name)
                && !moduleMissing(name);
    }

    @BeforeEach
    void kernel() {
        KernelTestSupport.requireBpf();
    }

    static List<Path> objects() throws IOException {
        try (Stream<Path> s = Files.list(KernelTestSupport.testdata("obj"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".bpf.o")).sorted().toList();
        }
    }

    /** libbpf's object name: the file name up to its first '.'. */
    static String libbpfName(Path p) {
        String f = p.getFileName().toString();
        return f.substring(0, f.indexOf('.'));
    }

    /** Program and map names as bpftool pins them ('.' is not allowed in bpffs names: it becomes '_'). */
    static Set<String> gewPrograms(BpfObject o) {
        Set<String> out = new TreeSet<>();
        o.programs().forEach(p -> out.add(p.name()));
        return out;
    }

    static Set<String> gewMaps(BpfObject o, String objectName) {
        Set<String> out = new TreeSet<>();
        o.maps().forEach(m -> out.add(m.name()));
        for (GlobalData g : o.globalData()) {
            out.add(g.mapName(objectName).replace('.', '_'));
        }
        if (o.kconfigSize() > 0) {
            out.add(GlobalData.internalMapName(objectName, ".kconfig").replace('.', '_'));
        }
        return out;
    }

    record Bpftool(int exit, String output, Set<String> programs, Set<String> maps) {}

    static Bpftool loadall(Path obj, Path dir) throws Exception {
        Path maps = dir.resolve("maps");
        Process p = new ProcessBuilder("bpftool", "prog", "loadall", obj.toString(), dir.toString(), "pinmaps",
                maps.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        Set<String> progs = new TreeSet<>();
        Set<String> mapNames = new TreeSet<>();
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(f -> !f.equals(maps)).forEach(f -> progs.add(f.getFileName().toString()));
            }
        }
        if (Files.isDirectory(maps, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.list(maps)) {
                s.forEach(f -> mapNames.add(f.getFileName().toString()));
            }
        }
        return new Bpftool(exit, out, progs, mapNames);
    }

    /** Removes the test's own folder: the pins bpftool made there and nothing else. */
    static void remove(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** gewyvern's loader on one object: stage (BTF, maps, global data), then load each program. */
    static final class GewLoad implements AutoCloseable {
        final List<Fd> fds = new ArrayList<>();
        final List<String> mapPins = new ArrayList<>();
        final ObjectLoader.Staged staged;

        GewLoad(Path obj, String id) throws IOException {
            staged = ObjectLoader.stage(PreparedObject.read(dev.gewyvern.proto.v1.BpfObject.newBuilder().setId(id)
                    .setPath(obj.toString()).build()), new ObjectLoader.Sink() {
                        public Fd keep(Fd fd) {
                            fds.add(fd);
                            return fd;
                        }

                        public void map(String pinName, Fd fd, int kernelId, String detail) {
                            mapPins.add(pinName);
                        }
                    });
        }

        LoadedProgram load(String program) {
            LoadedProgram p = ObjectLoader.load(staged, program, 1);
            fds.add(p.fd());
            return p;
        }

        @Override
        public void close() {
            for (int i = fds.size() - 1; i >= 0; i--) {
                fds.get(i).close();
            }
        }
    }

    @TestFactory
    List<DynamicTest> gewLoadsWhatBpftoolLoads() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path obj : objects()) {
            String name = libbpfName(obj);
            tests.add(DynamicTest.dynamicTest(obj.getFileName().toString(), () -> compare(obj, name)));
        }
        assertTrue(tests.size() >= 5, "testdata objects: " + objects());
        return tests;
    }

    private static void compare(Path obj, String name) throws Exception {
        BpfObject parsed = BpfObject.parse(Files.readAllBytes(obj));
        Path dir = Path.of("/sys/fs/bpf", "gwo-objects-" + ProcessHandle.current().pid() + "-" + name);
        remove(dir);
        Bpftool bpftool;
        try {
            bpftool = loadall(obj, dir);
        } finally {
            remove(dir);
        }
        List<String> missing = missingKfuncs(obj);
        if (!missing.isEmpty()) {
            // kfuncs newer than this kernel: both loaders refuse the object, naming the function
            assertNotEquals(0, bpftool.exit(), "bpftool loaded " + obj + " without " + missing + ": " + bpftool.output());
            SessionException e = assertThrows(SessionException.class, () -> {
                try (GewLoad g = new GewLoad(obj, name)) {
                    for (BpfProgram p : parsed.programs()) {
                        g.load(p.name());
                    }
                }
            });
            assertTrue(e.getMessage().contains("no function '" + missing.get(0) + "'"), e.getMessage());
            return;
        }
        Set<String> lacking = refusedByPolicy(name) ? Set.of() : notSupported(obj, name);
        for (BpfMap m : parsed.maps()) {
            if (lacking.contains(name + "/" + m.name())) {
                // a map type this kernel lacks: both loaders fail at that map, before any program
                assertNotEquals(0, bpftool.exit(), "bpftool loaded " + obj + ": " + bpftool.output());
                Exception e = assertThrows(RuntimeException.class, () -> new GewLoad(obj, name).close());
                assertTrue(e.getMessage().contains("map '"), e.getMessage());
                return;
            }
        }
        try (GewLoad gew = new GewLoad(obj, name)) {
            if (TARGETED.contains(name)) {
                assertNotEquals(0, bpftool.exit(), "bpftool loaded " + obj + ": " + bpftool.output());
                targeted(parsed, gew, bpftool, lacking, name);
                return;
            }
            if (refusedByPolicy(name)) {
                bpftoolRefuses(obj, bpftool, "Operation not permitted");
                gewRefusesEach(parsed, gew, e -> e.getMessage().contains("EPERM"));
                return;
            }
            if (VERIFIER_REFUSES.contains(name)) {
                bpftoolRefuses(obj, bpftool, "Permission denied");
                gewRefusesEach(parsed, gew, e -> e.getMessage().contains("EACCES") && e.verifierLog() != null);
                return;
            }
            if (TARGET_BTF_ONLY.contains(name) || moduleMissing(name)) {
                bpftoolRefuses(obj, bpftool, "failed to resolve CO-RE relocation");
                for (BpfProgram p : parsed.programs()) {
                    if (GUARDED.contains(p.name())) {
                        assertTrue(gew.load(p.name()).fd().value() > 0, p.name());
                    } else {
                        SessionException e = assertThrows(SessionException.class, () -> gew.load(p.name()), p.name());
                        assertTrue(e.getMessage().contains("poisoned by a CO-RE relocation")
                                && e.getMessage().contains("no type named " + (moduleMissing(name) ? "bbr" : "core_reloc_")),
                                p.name() + ": " + e.getMessage());
                    }
                }
                return;
            }
            if (NEWER_THAN_BPFTOOL.contains(name)) {
                assertNotEquals(0, bpftool.exit(), "bpftool loaded " + obj + ": " + bpftool.output());
                assertTrue(bpftool.output().contains("failed to guess program type"), bpftool.output());
            } else if (LEGACY_MAPS.contains(name)) {
                assertNotEquals(0, bpftool.exit(), "bpftool loaded " + obj + ": " + bpftool.output());
                assertTrue(bpftool.output().contains("legacy map definitions"), bpftool.output());
            } else if (parsed.programs().stream().anyMatch(p -> lacking.contains(name + "/" + p.name()))) {
                assertNotEquals(0, bpftool.exit(), "bpftool loaded " + obj + ": " + bpftool.output());
            } else {
                assertEquals(0, bpftool.exit(), bpftool.output());
                assertEquals(bpftool.programs(), gewPrograms(parsed), "programs of " + obj);
                assertEquals(bpftool.maps(), gewMaps(parsed, name), "maps of " + obj);
            }
            java.util.Map<String, Fd> progs = new java.util.HashMap<>();
            for (BpfProgram p : parsed.programs()) {
                if (p.loadProblem().isPresent()) {
                    // refused for its own reason (iproute2's map-in-map), the object's other programs still load
                    SessionException e = assertThrows(SessionException.class, () -> gew.load(p.name()), p.name());
                    assertTrue(e.getMessage().contains("cannot be loaded: " + p.loadProblem().get()), e.getMessage());
                    continue;
                }
                if (lacking.contains(name + "/" + p.name())) {
                    // the report says this kernel cannot take it: the kernel refuses it, naming the program
                    SessionException e = assertThrows(SessionException.class, () -> gew.load(p.name()), p.name());
                    assertTrue(e.getMessage().contains("'" + p.name() + "'"), e.getMessage());
                    continue;
                }
                LoadedProgram loaded = gew.load(p.name());
                assertTrue(loaded.fd().value() > 0, p.name());
                progs.put(p.name(), loaded.fd());
            }
            ObjectLoader.fillProgramArrays(gew.staged, progs::get);
            for (BpfMap m : parsed.maps()) {
                for (BpfMap.Slot slot : m.initialValues()) {
                    byte[] key = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder())
                            .putInt(slot.index()).array();
                    int id = java.nio.ByteBuffer.wrap(dev.gewyvern.syscall.Bpf.lookup(gew.staged.maps().get(m.name()),
                            key, 4)).order(java.nio.ByteOrder.nativeOrder()).getInt();
                    int expected = slot.kind() == BpfMap.Slot.Kind.MAP
                            ? dev.gewyvern.syscall.Bpf.mapInfo(gew.staged.maps().get(slot.target())).id()
                            : dev.gewyvern.syscall.Bpf.progInfo(progs.get(slot.target())).id();
                    assertEquals(expected, id, m.name() + "[" + slot.index() + "] holds " + slot.target());
                }
            }
            assertEquals(parsed.maps().size() + parsed.globalData().size() + (parsed.kconfigSize() > 0 ? 1 : 0),
                    gew.mapPins.size());
        }
        assertFalse(Files.exists(dir, LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * fentry, fexit, fmod_ret and lsm programs get EPERM here (as bpftool's do); a freplace program asks for
     * its target; a struct_ops program loaded alone names its map, and loads with it; the rest load.
     */
    private static void targeted(BpfObject parsed, GewLoad gew, Bpftool bpftool, Set<String> lacking, String name) {
        java.util.Set<dev.gewyvern.elf.ProgramSection> policy = java.util.EnumSet.of(
                dev.gewyvern.elf.ProgramSection.FENTRY, dev.gewyvern.elf.ProgramSection.FEXIT,
                dev.gewyvern.elf.ProgramSection.FMOD_RET, dev.gewyvern.elf.ProgramSection.LSM);
        boolean refusedHere = bpftool.output().contains("Operation not permitted");
        for (BpfProgram p : parsed.programs()) {
            var kind = p.section().orElseThrow().kind();
            if (policy.contains(kind) && refusedHere) {
                SessionException e = assertThrows(SessionException.class, () -> gew.load(p.name()), p.name());
                assertTrue(e.getMessage().contains("EPERM"), e.getMessage());
            } else if (kind == dev.gewyvern.elf.ProgramSection.FREPLACE) {
                SessionException e = assertThrows(SessionException.class, () -> gew.load(p.name()), p.name());
                assertTrue(e.getMessage().contains("give it a freplace target"), e.getMessage());
            } else if (kind.target() == dev.gewyvern.elf.ProgramSection.Target.STRUCT_OPS) {
                SessionException e = assertThrows(SessionException.class, () -> gew.load(p.name()), p.name());
                assertTrue(e.getMessage().contains("is a struct_ops program"), e.getMessage());
            } else if (lacking.contains(name + "/" + p.name())) {
                SessionException e = assertThrows(SessionException.class, () -> gew.load(p.name()), p.name());
                assertTrue(e.getMessage().contains("'" + p.name() + "'"), e.getMessage());
            } else {
                assertTrue(gew.load(p.name()).fd().value() > 0, p.name());
            }
        }
        for (dev.gewyvern.elf.StructOpsMap m : parsed.structOps()) {
            assertTrue(bpftool.output().contains("skipping unrecognized data section") || refusedHere,
                    "bpftool 7.1 (libbpf 1.1) does not know " + m.section() + ": " + bpftool.output());
            var prepared = StructOpsLoader.prepare(gew.staged, m.name(),
                    StructOpsRegistration.forKernel(dev.gewyvern.syscall.kernel.KernelTypes.running()), (prog, target) -> {
                LoadedProgram loaded = ObjectLoader.load(gew.staged, prog, 1, target);
                gew.fds.add(loaded.fd());
                return loaded.fd();
            }, fd -> {
                gew.fds.add(fd);
                return fd;
            });
            assertEquals(m.typeName(), prepared.typeName());
            assertEquals(m.programs(), prepared.programs());
        }
    }

    private static void bpftoolRefuses(Path obj, Bpftool bpftool, String saying) {
        assertNotEquals(0, bpftool.exit(), "bpftool loaded " + obj + ": " + bpftool.output());
        assertTrue(bpftool.output().contains(saying), bpftool.output());
    }

    private static void gewRefusesEach(BpfObject parsed, GewLoad gew,
                                       java.util.function.Predicate<SessionException> refusal) {
        for (BpfProgram p : parsed.programs()) {
            SessionException e = assertThrows(SessionException.class, () -> gew.load(p.name()), p.name());
            assertTrue(refusal.test(e), e.getMessage());
        }
    }

    @org.junit.jupiter.api.Test
    void perfEventArrayDefaultsToThePossibleCpus() {
        BpfMap m = new BpfMap("events", dev.gewyvern.elf.uapi.MapType.PERF_EVENT_ARRAY.value(), 0, 0, 0, 0, 0, 0, 0, 0, 0);
        BpfMap sized = ObjectSettings.sized(dev.gewyvern.proto.v1.BpfObject.newBuilder().setId("x").build(), m);
        assertEquals(Runtime.getRuntime().availableProcessors() <= sized.maxEntries(), true);
        assertEquals(4, sized.keySize());
        assertEquals(4, sized.valueSize());
    }
}
