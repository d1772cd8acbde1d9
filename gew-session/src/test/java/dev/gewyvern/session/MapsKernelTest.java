package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.gewyvern.elf.BpfMap;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.MapSize;
import dev.gewyvern.proto.v1.Phase;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.proto.v1.Tracepoint;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Fd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * testdata/obj/maps.bpf.o applied for real: the map of maps holds its inner maps, the program array
 * its tail-call target (loaded although the Pipeline lists only the program that jumps), and the
 * tail call runs: it counts into an inner map through the outer one.
 */
class MapsKernelTest {
    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Engine engine;

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
        engine = Engine.start(root, "MapsKernelTest");
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    private static Pipeline.Builder maps() {
        return Pipeline.newBuilder().setName("mapstest")
                .addObjects(dev.gewyvern.proto.v1.BpfObject.newBuilder().setId("maps")
                        .setPath(KernelTestSupport.testdata("obj/maps.bpf.o").toString()))
                .addPrograms(Program.newBuilder().setObject("maps").setName("jump").setAttach(AttachTarget.newBuilder()
                        .setTracepoint(Tracepoint.newBuilder().setCategory("syscalls").setName("sys_enter_getppid"))));
    }

    @Test
    void tailCallThroughInitialisedProgramArrayCountsIntoAnInnerMap() throws Exception {
        List<String> events = new ArrayList<>();
        SessionRecord rec = engine.apply(maps().build(), ev -> events.add(ev.step().word() + " " + ev.text()), 1);
        assertEquals(Phase.COMMITTED, rec.getPhase());
        assertTrue(events.contains("verify program tail_target: verified (program array target)"), events.toString());
        Path dir = root.session(engine.instanceId(), rec.getSessionId());
        assertTrue(Files.exists(dir.resolve("progs/tail_target"), LinkOption.NOFOLLOW_LINKS));
        assertTrue(!Files.exists(dir.resolve("links/tail_target"), LinkOption.NOFOLLOW_LINKS), "not attached");
        try (Fd inner = Bpf.get(dir.resolve("maps/inner_a").toString(), "inner_a");
             Fd events2 = Bpf.get(dir.resolve("maps/events").toString(), "events")) {
            assertEquals(ObjectSettings.possibleCpus(), Bpf.mapInfo(events2).maxEntries(),
                    "PERF_EVENT_ARRAY sized to the possible CPUs");
            for (int i = 0; i < 3; i++) {
                new ProcessBuilder("/bin/bash", "-c", "true").start().waitFor(); // bash calls getppid()
            }
            long n = ByteBuffer.wrap(Bpf.lookup(inner, new byte[4], 8)).order(ByteOrder.nativeOrder()).getLong();
            assertTrue(n >= 3, "the tail call ran and counted through outer[0] = inner_a: " + n);
        }
        engine.detach(rec.getSessionId());
    }

    @Test
    void anUnsizedMapNamesWhatToWrite() {
        BpfMap m = new BpfMap("open", 1, 4, 8, 0, 0, 0, 0, 0, 0, 0);
        dev.gewyvern.proto.v1.BpfObject o = dev.gewyvern.proto.v1.BpfObject.newBuilder().setId("x").build();
        SessionException e = assertThrows(SessionException.class, () -> ObjectSettings.sized(o, m));
        assertTrue(e.getMessage().contains("map_sizes { map: \"open\" max_entries: N }"), e.getMessage());
        BpfMap sized = ObjectSettings.sized(o.toBuilder().addMapSizes(MapSize.newBuilder().setMap("open")
                .setMaxEntries(77)).build(), m);
        assertEquals(77, sized.maxEntries());
        SessionException unknown = assertThrows(SessionException.class, () -> engine.apply(maps().setObjects(0,
                maps().getObjects(0).toBuilder().addMapSizes(MapSize.newBuilder().setMap("nope").setMaxEntries(1)))
                .build(), ev -> { }, 1));
        assertTrue(unknown.getMessage().contains("no map 'nope' to size") && unknown.getMessage().contains("jumps"),
                unknown.getMessage());
    }
}
