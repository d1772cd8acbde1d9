package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.elf.ElfException;
import dev.gewyvern.elf.GlobalData;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.Phase;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.proto.v1.Tracepoint;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Fd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * testdata/obj/externs.bpf.o applied for real: its .kconfig externs are filled from the running
 * kernel (configuration, release, BTF), the .kconfig map is frozen, and the program reads them.
 */
class ExternsKernelTest {
    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Engine engine;

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
        engine = Engine.start(root, "ExternsKernelTest");
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void kconfigExternsReadTheRunningKernel() throws Exception {
        Path objPath = KernelTestSupport.testdata("obj/externs.bpf.o");
        Pipeline p = Pipeline.newBuilder().setName("externstest")
                .addObjects(dev.gewyvern.proto.v1.BpfObject.newBuilder().setId("externs").setPath(objPath.toString()))
                .addPrograms(Program.newBuilder().setObject("externs").setName("read_kconfig")
                        .setAttach(AttachTarget.newBuilder().setTracepoint(Tracepoint.newBuilder()
                                .setCategory("syscalls").setName("sys_enter_getppid"))))
                .build();
        SessionRecord rec = engine.apply(p, ev -> { }, 1);
        assertEquals(Phase.COMMITTED, rec.getPhase());
        Path maps = root.session(engine.instanceId(), rec.getSessionId()).resolve("maps");
        BpfObject obj = BpfObject.parse(Files.readAllBytes(objPath));
        GlobalData bss = obj.globalData(".bss").orElseThrow();
        Map<String, String> config = ObjectLoader.kernelConfig();
        try (Fd kconfig = Bpf.get(maps.resolve("externs_kconfig").toString(), "kconfig");
             Fd seen = Bpf.get(maps.resolve("externs_bss").toString(), "bss")) {
            byte[] kc = Bpf.lookup(kconfig, new byte[4], obj.kconfigSize());
            BpfException frozen = assertThrows(BpfException.class, () -> Bpf.update(kconfig, new byte[4], kc, 0));
            assertTrue(frozen.getMessage().contains("EPERM"), frozen.getMessage());

            new ProcessBuilder("/bin/bash", "-c", "true").start().waitFor(); // bash calls getppid()
            ByteBuffer b = ByteBuffer.wrap(Bpf.lookup(seen, new byte[4], bss.size())).order(ByteOrder.nativeOrder());
            // struct seen { u32 version; int hz; bool syscall; bool wrapper; int jit; char localversion[16]; u64 missing; }
            assertEquals(VirtualKconfig.kernelVersion(), b.getInt(0));
            assertEquals(Integer.parseInt(config.get("CONFIG_HZ")), b.getInt(4));
            assertEquals(1, b.get(8), "CONFIG_BPF_SYSCALL=y");
            assertEquals(VirtualKconfig.values(java.util.List.of("LINUX_HAS_SYSCALL_WRAPPER")).get("LINUX_HAS_SYSCALL_WRAPPER"), (long) b.get(9));
            String jit = config.getOrDefault("CONFIG_BPF_JIT", "n");
            assertEquals(jit.equals("y") ? 1 : jit.equals("m") ? 2 : 0, b.getInt(12));
            byte[] lv = new byte[16];
            b.get(16, lv);
            String expected = config.getOrDefault("CONFIG_LOCALVERSION", "\"\"").replace("\"", "");
            assertEquals(expected.substring(0, Math.min(15, expected.length())),
                    new String(lv, StandardCharsets.UTF_8).replace("\0", ""));
            assertEquals(0, b.getLong(32), "a weak extern no kernel has reads 0");
        }
        engine.detach(rec.getSessionId());
    }

    @Test
    void aStrongExternTheKernelLacksIsNamed() throws Exception {
        BpfObject obj = BpfObject.parse(Files.readAllBytes(KernelTestSupport.testdata("obj/externs.bpf.o")));
        ElfException e = assertThrows(ElfException.class, () -> obj.kconfigValue(Map.of("CONFIG_BPF_SYSCALL", "y"),
                virtuals(VirtualKconfig.kernelVersion())));
        assertTrue(e.getMessage().contains("'CONFIG_HZ'") && e.getMessage().contains("__weak"), e.getMessage());
        e = assertThrows(ElfException.class, () -> obj.kconfigValue(Map.of("CONFIG_HZ", "\"x\"",
                "CONFIG_BPF_SYSCALL", "y"), virtuals(1)));
        assertTrue(e.getMessage().contains("fits only a char array"), e.getMessage());
        e = assertThrows(ElfException.class, () -> obj.kconfigValue(Map.of("CONFIG_HZ", "100",
                "CONFIG_BPF_SYSCALL", "m"), virtuals(1)));
        assertTrue(e.getMessage().contains("module (m)"), e.getMessage());
    }

    private static Map<String, Long> virtuals(int version) {
        return Map.of("LINUX_KERNEL_VERSION", (long) version, "LINUX_HAS_SYSCALL_WRAPPER", 1L);
    }
}
