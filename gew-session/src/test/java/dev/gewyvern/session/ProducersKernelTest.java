package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.LoadOnly;
import dev.gewyvern.proto.v1.Phase;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.SessionRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An object iproute2 writes (testdata/src/iproute2.bpf.c: struct bpf_elf_map definitions, one of them an
 * iproute2 map-in-map) loads program by program: count_packets loads with its pinned-by-iproute2 map, and
 * lookup_outer, which uses the map-in-map gewyvern does not build, is refused with that reason alone.
 */
class ProducersKernelTest {
    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Engine engine;

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
        // sched_cls and sched_act programs, load-only (load-only needing no --allow-risky is issue 19's)
        engine = Engine.start(root, "ProducersKernelTest", RiskPolicy.fromLocalCommandLine(true));
    }

    @AfterEach
    void tearDown() {
        KernelTestSupport.detachAllAndClose(engine);
    }

    private static Pipeline iproute2(String program) {
        return Pipeline.newBuilder().setName("iproute2")
                .addObjects(dev.gewyvern.proto.v1.BpfObject.newBuilder().setId("iproute2")
                        .setPath(KernelTestSupport.testdata("obj/iproute2.bpf.o").toString()))
                .addPrograms(Program.newBuilder().setObject("iproute2").setName(program)
                        .setAttach(AttachTarget.newBuilder().setLoadOnly(LoadOnly.getDefaultInstance())))
                .build();
    }

    @Test
    void theProgramThatUsesNoRefusedMapLoads() {
        List<String> said = new ArrayList<>();
        SessionRecord rec = engine.apply(iproute2("count_packets"), e -> said.add(e.text()), 1);
        assertEquals(Phase.COMMITTED, rec.getPhase());
        assertTrue(said.stream().anyMatch(t -> t.startsWith("map counters asks to be pinned")), said.toString());
        engine.detach(rec.getSessionId());
    }

    @Test
    void theProgramThatUsesTheMapInMapIsRefusedWithItsReason() {
        SessionException e = assertThrows(SessionException.class, () -> engine.apply(iproute2("lookup_outer"),
                PhaseListener.SILENT, 1));
        assertEquals(Step.VERIFY, e.step());
        assertEquals(SessionException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains("program 'lookup_outer' of object 'iproute2' cannot be loaded: it uses map "
                + "'map_outer'") && e.getMessage().contains("iproute2 map-in-map"), e.getMessage());
    }
}
