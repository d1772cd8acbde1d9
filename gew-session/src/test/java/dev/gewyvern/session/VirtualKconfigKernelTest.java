package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.elf.Extern;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.LoadOnly;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Fd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * libbpf's virtual .kconfig externs get libbpf's values: testdata/src/kconfig_virtual.bpf.c is loaded by
 * {@code bpftool prog loadall} (libbpf fills its .kconfig map) and by gewyvern, and the two .kconfig maps
 * hold the same bytes: LINUX_KERNEL_VERSION, LINUX_HAS_BPF_COOKIE, LINUX_HAS_SYSCALL_WRAPPER as libbpf's
 * probes find them on this kernel, and 0 for a weak LINUX_ name libbpf does not know. On a Debian kernel
 * LINUX_KERNEL_VERSION is the upstream release its version string names, as newer libbpf reads it; the
 * libbpf 1.1 of Debian 12's bpftool still takes the release (uname -r) there, which the test allows.
 */
class VirtualKconfigKernelTest {
    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Engine engine;

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
        engine = Engine.start(root, "VirtualKconfigKernelTest", RiskPolicy.fromLocalCommandLine(false));
    }

    @AfterEach
    void tearDown() {
        KernelTestSupport.detachAllAndClose(engine);
    }

    @Test
    void theKconfigMapHoldsWhatLibbpfWritesThere() throws Exception {
        Path obj = KernelTestSupport.testdata("obj/kconfig_virtual.bpf.o");
        BpfObject parsed = BpfObject.parse(Files.readAllBytes(obj));
        assertEquals(BpfObject.VIRTUAL_KCONFIG, parsed.virtualKconfig().stream().sorted((a, b) ->
                BpfObject.VIRTUAL_KCONFIG.indexOf(a) - BpfObject.VIRTUAL_KCONFIG.indexOf(b)).toList(),
                "the object reads every virtual extern libbpf knows");
        Path dir = Path.of("/sys/fs/bpf", "gwo-kconfig-" + ProcessHandle.current().pid());
        ObjectsKernelTest.remove(dir);
        byte[] libbpf;
        try {
            ObjectsKernelTest.Bpftool b = ObjectsKernelTest.loadall(obj, dir);
            assertEquals(0, b.exit(), b.output());
            String pin = b.maps().stream().filter(m -> m.endsWith("kconfig")).findFirst().orElseThrow();
            try (Fd fd = Bpf.get(dir.resolve("maps").resolve(pin).toString(), "map")) {
                libbpf = Bpf.lookup(fd, new byte[4], parsed.kconfigSize());
            }
        } finally {
            ObjectsKernelTest.remove(dir);
        }
        Pipeline p = Pipeline.newBuilder().setName("kconfig-virtual")
                .addObjects(dev.gewyvern.proto.v1.BpfObject.newBuilder().setId("kv").setPath(obj.toString()))
                .addPrograms(Program.newBuilder().setObject("kv").setName("read_virtual")
                        .setAttach(AttachTarget.newBuilder().setLoadOnly(LoadOnly.getDefaultInstance())))
                .build();
        SessionRecord rec = engine.apply(p, PhaseListener.SILENT, 1);
        byte[] gew;
        try (Fd fd = Bpf.get(root.session(engine.instanceId(), rec.getSessionId()).resolve(PinRoot.MAPS)
                .resolve("kv_kconfig").toString(), "map")) {
            gew = Bpf.lookup(fd, new byte[4], parsed.kconfigSize());
        } finally {
            engine.detach(rec.getSessionId());
        }
        ByteBuffer b = ByteBuffer.wrap(gew).order(ByteOrder.nativeOrder());
        int at = parsed.externs().stream().filter(e -> e.name().equals("LINUX_KERNEL_VERSION")).findFirst()
                .orElseThrow().offset();
        ByteBuffer l = ByteBuffer.wrap(libbpf).order(ByteOrder.nativeOrder());
        if (l.getInt(at) != b.getInt(at)) {
            // the libbpf bpftool links here (1.1) reads Ubuntu's signature, else the release (uname -r); a Debian
            // kernel's release says less than its version string ("6.1.0-41" for Debian 6.1.158-1), which newer
            // libbpf and gewyvern read. That is the only difference allowed, and only on such a kernel.
            String version = Files.readString(Path.of("/proc/sys/kernel/version"));
            assertTrue(!Files.exists(Path.of("/proc/version_signature"))
                    && dev.gewyvern.syscall.kernel.KernelRelease.ofDebianVersion(version).isPresent(),
                    "LINUX_KERNEL_VERSION: libbpf " + l.getInt(at) + ", gewyvern " + b.getInt(at));
            assertEquals(VirtualKconfig.releaseVersion(dev.gewyvern.syscall.kernel.KernelRelease.running().text()),
                    l.getInt(at), "libbpf 1.1's LINUX_KERNEL_VERSION is the release's");
            l.putInt(at, b.getInt(at));
        }
        assertArrayEquals(libbpf, gew, "the .kconfig map as libbpf and as gewyvern fill it");
        for (Extern e : parsed.externs()) {
            if (e.name().equals("LINUX_KERNEL_VERSION")) {
                assertEquals(VirtualKconfig.kernelVersion(), b.getInt(e.offset()));
                assertTrue(b.getInt(e.offset()) >> 16 >= 4, "a kernel version");
            }
            if (e.name().equals("LINUX_GEWYVERN_NOT_A_LIBBPF_NAME")) {
                assertEquals(0, b.getLong(e.offset()));
            }
        }
    }

    @Test
    void libbpfsKernelVersionRules() {
        assertEquals((6 << 16) + (18 << 8) + 44, VirtualKconfig.releaseVersion("6.18.44-fc-v1098"));
        assertEquals((4 << 16) + (19 << 8) + 255, VirtualKconfig.releaseVersion("4.19.300"), "c is capped at 255");
        assertEquals((6 << 16) + (1 << 8), VirtualKconfig.releaseVersion("6.1-rc3"));
        assertEquals(List.of("LINUX_KERNEL_VERSION", "LINUX_HAS_BPF_COOKIE", "LINUX_HAS_SYSCALL_WRAPPER"),
                BpfObject.VIRTUAL_KCONFIG);
    }
}
