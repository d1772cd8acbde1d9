package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.gewyvern.elf.XlatedListing;
import dev.gewyvern.elf.BpfProgram;
import dev.gewyvern.elf.Extern;
import dev.gewyvern.elf.GlobalData;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.LoadOnly;
import dev.gewyvern.proto.v1.PinnedObject;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Fd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The differential against libbpf, as the issue states it: every testdata object bpftool loads (CO-RE
 * ones against the running kernel's BTF) is applied as a session with every program load-only (what
 * {@code gew session apply --object FILE --load-only} applies) and loaded with {@code bpftool prog
 * loadall}; for each program the kernel must run the same translated instructions (xlated_prog_insns)
 * for both, maps compared by the name bpftool pins them by (see {@link XlatedListing}).
 */
class LoadOnlyDifferentialKernelTest {
    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Engine engine;

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
        // nothing is attached, but the policy weighs program types: sections has packet programs
        engine = Engine.start(root, "LoadOnlyDifferentialKernelTest", RiskPolicy.fromLocalCommandLine(true));
    }

    @AfterEach
    void tearDown() {
        KernelTestSupport.detachAllAndClose(engine);
    }

    /** What bpftool loaded, opened from its pins before they are removed: programs by name, map pin names by id. */
    static final class BpftoolLoad implements AutoCloseable {
        final Map<String, Fd> programs = new TreeMap<>();
        final Map<Integer, String> mapNames = new HashMap<>();

        BpftoolLoad(Path dir, ObjectsKernelTest.Bpftool loaded) {
            for (String p : loaded.programs()) {
                programs.put(p, Bpf.get(dir.resolve(p).toString(), "prog"));
            }
            for (String m : loaded.maps()) {
                try (Fd fd = Bpf.get(dir.resolve("maps").resolve(m).toString(), "map")) {
                    mapNames.put(Bpf.mapInfo(fd).id(), m);
                }
            }
        }

        @Override
        public void close() {
            programs.values().forEach(Fd::close);
        }
    }

    @TestFactory
    List<DynamicTest> everyProgramRunsAsLibbpfsDoes() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path obj : ObjectsKernelTest.objects()) {
            String name = ObjectsKernelTest.libbpfName(obj);
            if (ObjectsKernelTest.bpftoolLoads(name) && ObjectsKernelTest.missingKfuncs(obj).isEmpty()
                    && ObjectsKernelTest.notSupported(obj, name).isEmpty()) {
                tests.add(DynamicTest.dynamicTest(obj.getFileName().toString(), () -> compare(obj, name)));
            }
        }
        assertTrue(tests.stream().anyMatch(t -> t.getDisplayName().startsWith("core_kernel.")), "a CO-RE object too");
        assertTrue(tests.size() >= 6, tests.size() + " objects");
        return tests;
    }

    /**
     * A program written as libbpf-tools ones are: against a vmlinux.h, here the one gewyvern's own C
     * dump makes of the running kernel's BTF, compiled by clang now (CI installs clang-19; without it
     * the test fails under CI=true and is skipped elsewhere). Its 26 CO-RE relocations (BPF_CORE_READ
     * chains, a flavour, existence checks, an enum value, a bitfield, type relocations) must give the
     * instructions libbpf gives.
     */
    @org.junit.jupiter.api.Test
    void aProgramBuiltAgainstGewsOwnVmlinuxHeaderRunsAsLibbpfsDoes(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        Files.writeString(tmp.resolve("vmlinux.h"), dev.gewyvern.btf.BtfCDump.dump(
                dev.gewyvern.syscall.kernel.KernelBtf.shared().vmlinux(), "__VMLINUX_H__"));
        Path obj = tmp.resolve("task_core.bpf.o");
        String arch = System.getProperty("os.arch").equals("amd64") ? "x86_64" : System.getProperty("os.arch");
        List<String> cmd = List.of("clang-19", "-g", "-O2", "-target", "bpf", "-mcpu=v3", "-I" + tmp,
                "-I/usr/include/" + arch + "-linux-gnu", "-c",
                KernelTestSupport.testdata("vmlinux/task_core.bpf.c").toString(), "-o", obj.toString());
        Process clang;
        try {
            clang = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            if ("true".equals(System.getenv("CI"))) {
                org.junit.jupiter.api.Assertions.fail("CI=true but clang-19 cannot be run: " + e.getMessage());
            }
            org.junit.jupiter.api.Assumptions.abort("no clang-19 here: " + e.getMessage());
            return;
        }
        String out = new String(clang.getInputStream().readAllBytes());
        assertEquals(0, clang.waitFor(), "clang against gewyvern's vmlinux.h: " + out);
        BpfProgram p = dev.gewyvern.elf.BpfObject.parse(Files.readAllBytes(obj)).program("read_task").orElseThrow();
        assertTrue(p.coreRelocations().size() >= 20, p.coreRelocations().size() + " relocations");
        compare(obj, "task_core");
    }

    private void compare(Path obj, String name) throws Exception {
        dev.gewyvern.elf.BpfObject parsed = dev.gewyvern.elf.BpfObject.parse(Files.readAllBytes(obj));
        Path dir = Path.of("/sys/fs/bpf", "gwo-loadonly-" + ProcessHandle.current().pid() + "-" + name);
        ObjectsKernelTest.remove(dir);
        BpftoolLoad libbpf;
        try {
            ObjectsKernelTest.Bpftool bpftool = ObjectsKernelTest.loadall(obj, dir);
            assertEquals(0, bpftool.exit(), bpftool.output());
            libbpf = new BpftoolLoad(dir, bpftool);
        } finally {
            ObjectsKernelTest.remove(dir);
        }
        Pipeline.Builder p = Pipeline.newBuilder().setName("differential")
                .addObjects(BpfObject.newBuilder().setId(name).setPath(obj.toString()));
        for (BpfProgram prog : parsed.programs()) {
            p.addPrograms(Program.newBuilder().setObject(name).setName(prog.name())
                    .setAttach(AttachTarget.newBuilder().setLoadOnly(LoadOnly.getDefaultInstance())));
        }
        try (BpftoolLoad l = libbpf) {
            SessionRecord rec = engine.apply(p.build(), ev -> { }, 1);
            Path session = root.session(engine.instanceId(), rec.getSessionId());
            try {
                Map<String, String> libbpfName = libbpfMapNames(parsed, name);
                Map<Integer, String> gewMaps = new HashMap<>();
                for (PinnedObject o : rec.getObjectsList()) {
                    if (o.getKind() == PinnedObject.Kind.MAP) {
                        gewMaps.put(o.getKernelId(), libbpfName.getOrDefault(o.getName(), o.getName()));
                    }
                }
                assertEquals(l.programs.keySet(), new java.util.TreeSet<>(parsed.programs().stream()
                        .map(BpfProgram::name).toList()), "programs of " + obj);
                for (BpfProgram prog : parsed.programs()) {
                    try (Fd gew = Bpf.get(session.resolve(PinRoot.PROGS).resolve(prog.name()).toString(), "prog")) {
                        List<String> expected = XlatedListing.lines(Bpf.xlatedInsns(l.programs.get(prog.name())),
                                l.mapNames);
                        List<String> actual = XlatedListing.lines(Bpf.xlatedInsns(gew), gewMaps);
                        assertFalse(expected.isEmpty(), name + "/" + prog.name());
                        assertTrue(expected.equals(actual), () -> "translated instructions of " + name + "/"
                                + prog.name() + ": " + XlatedListing.firstDifference(expected, actual));
                    }
                }
            } finally {
                engine.detach(rec.getSessionId());
            }
        }
        assertFalse(Files.exists(dir, LinkOption.NOFOLLOW_LINKS));
    }

    /** gewyvern's pin name of each internal map (global data, .kconfig) to the one bpftool pins it by. */
    private static Map<String, String> libbpfMapNames(dev.gewyvern.elf.BpfObject parsed, String object) {
        Map<String, String> out = new HashMap<>();
        for (GlobalData g : parsed.globalData()) {
            out.put(ObjectLoader.globalDataPinName(object, g), g.mapName(object).replace('.', '_'));
        }
        out.put(object.replace('-', '_') + "_kconfig", GlobalData.internalMapName(object, Extern.KCONFIG).replace('.', '_'));
        return out;
    }
}
