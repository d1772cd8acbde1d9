package dev.gewyvern.session;

import dev.gewyvern.proto.v1.SessionDetail;
import dev.gewyvern.proto.v1.MapContents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import com.google.protobuf.ByteString;
import dev.gewyvern.elf.GlobalData;
import dev.gewyvern.elf.GlobalVariable;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.GlobalValue;
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
 * testdata/obj/globals.bpf.o applied for real: .data, .rodata (set from the Pipeline, then frozen),
 * .bss and .data.stats become array maps; bpf-to-bpf calls, a global subprogram and a bpf_loop
 * callback pass the verifier; the programs run and write their globals.
 */
class GlobalDataKernelTest {
    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Engine engine;

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
        engine = Engine.start(root, "GlobalDataKernelTest");
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    private static Program tp(String name) {
        return Program.newBuilder().setObject("globals").setName(name).setAttach(AttachTarget.newBuilder()
                .setTracepoint(Tracepoint.newBuilder().setCategory("syscalls").setName("sys_enter_getppid"))).build();
    }

    static Pipeline.Builder globals(GlobalValue... values) {
        return Pipeline.newBuilder().setName("globalstest")
                .addObjects(BpfObject.newBuilder().setId("globals")
                        .setPath(KernelTestSupport.testdata("obj/globals.bpf.o").toString())
                        .addAllGlobals(List.of(values)))
                .addPrograms(tp("on_getppid")).addPrograms(tp("on_getppid_too"));
    }

    private static GlobalValue text(String name, String v) {
        return GlobalValue.newBuilder().setName(name).setText(v).build();
    }

    private static GlobalValue integer(String name, long v) {
        return GlobalValue.newBuilder().setName(name).setInteger(v).build();
    }

    private static long u64(byte[] b, int off) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getLong(off);
    }

    @Test
    void globalDataIsLoadedSetFrozenAndWrittenByThePrograms() throws Exception {
        SessionRecord rec = engine.apply(globals(text("tag", "cfg"), integer("bias", -7), integer("mode", 1)).build(),
                ev -> { }, 1);
        assertEquals(Phase.COMMITTED, rec.getPhase());
        Path maps = root.session(engine.instanceId(), rec.getSessionId()).resolve("maps");
        for (String pin : List.of("hits", "globals_rodata", "globals_data", "globals_bss", "globals_data_stats")) {
            assertTrue(Files.exists(maps.resolve(pin), LinkOption.NOFOLLOW_LINKS), pin);
        }
        dev.gewyvern.elf.BpfObject obj = dev.gewyvern.elf.BpfObject.parse(
                Files.readAllBytes(KernelTestSupport.testdata("obj/globals.bpf.o")));
        GlobalData rodata = obj.globalData(".rodata").orElseThrow();
        try (Fd ro = Bpf.get(maps.resolve("globals_rodata").toString(), "rodata");
             Fd data = Bpf.get(maps.resolve("globals_data").toString(), "data");
             Fd bss = Bpf.get(maps.resolve("globals_bss").toString(), "bss")) {
            byte[] image = Bpf.lookup(ro, new byte[4], rodata.size());
            GlobalVariable tag = rodata.variable("tag").orElseThrow();
            assertEquals("\"cfg\"", rodata.render(tag, image, ByteOrder.nativeOrder()));
            assertEquals("-7", rodata.render(rodata.variable("bias").orElseThrow(), image, ByteOrder.nativeOrder()));
            assertEquals("MODE_COUNT", rodata.render(rodata.variable("mode").orElseThrow(), image,
                    ByteOrder.nativeOrder()));
            BpfException frozen = assertThrows(BpfException.class, () -> Bpf.update(ro, new byte[4], image, 0));
            assertTrue(frozen.getMessage().contains("EPERM"), frozen.getMessage());

            for (int i = 0; i < 3; i++) {
                new ProcessBuilder("/bin/bash", "-c", "true").start().waitFor(); // bash calls getppid()
            }
            GlobalData d = obj.globalData(".data").orElseThrow();
            long calls = u64(Bpf.lookup(data, new byte[4], d.size()), d.variable("calls").orElseThrow().offset());
            assertTrue(calls > 1, "calls counted from 1: " + calls);
            GlobalData b = obj.globalData(".bss").orElseThrow();
            long loops = u64(Bpf.lookup(bss, new byte[4], b.size()), b.variable("loops").orElseThrow().offset());
            assertTrue(loops >= 3 && loops % 3 == 0, "bpf_loop ran its callback 3 times per call: " + loops);
        }
        SessionDetail view = engine.show(rec.getSessionId(), 10);
        MapContents ro = view.getMapsList().stream().filter(m -> m.getName().equals("globals_rodata")).findFirst()
                .orElseThrow();
        assertEquals(".rodata", ro.getValueType());
        assertTrue(ro.getEntriesList().get(0).getValueText().contains("tag=\"cfg\", bias=-7"), ro.getEntriesList().toString());
        engine.detach(rec.getSessionId());
    }

    @Test
    void aBadSettingIsRefusedByNameAndLeavesNothing() {
        SessionException e = assertThrows(SessionException.class, () -> engine.apply(
                globals(text("tag", "much too long")).build(), ev -> { }, 1));
        assertTrue(e.getMessage().contains("variable 'tag'") && e.getMessage().contains("at most 7"), e.getMessage());
        e = assertThrows(SessionException.class, () -> engine.apply(globals(integer("bias", 40000)).build(),
                ev -> { }, 1));
        assertTrue(e.getMessage().contains("-32768..32767"), e.getMessage());
        e = assertThrows(SessionException.class, () -> engine.apply(globals(integer("nope", 1)).build(),
                ev -> { }, 1));
        assertTrue(e.getMessage().contains("no variable 'nope'") && e.getMessage().contains("target_pid"),
                e.getMessage());
        e = assertThrows(SessionException.class, () -> engine.apply(globals(integer("loops", 1)).build(),
                ev -> { }, 1));
        assertTrue(e.getMessage().contains(".bss"), e.getMessage());
        e = assertThrows(SessionException.class, () -> engine.apply(globals(GlobalValue.newBuilder()
                .setName("target_pid").setRaw(ByteString.copyFrom(new byte[3])).build()).build(), ev -> { }, 1));
        assertTrue(e.getMessage().contains("3 bytes given, it needs exactly 4"), e.getMessage());
        assertTrue(engine.list().getSessionsList().stream().noneMatch(s -> s.getRecord().getInstanceId().equals(engine.instanceId())),
                "a refused session leaves nothing behind");
    }
}
