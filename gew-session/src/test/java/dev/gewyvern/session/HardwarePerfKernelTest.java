package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.PerfEvent;
import dev.gewyvern.proto.v1.Phase;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.probes.Capabilities;
import dev.gewyvern.syscall.probes.Capability;
import dev.gewyvern.syscall.probes.Support;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hardware perf events (cpu-cycles, instructions, ...) through the same perf_event link as software ones.
 * Where the capability report says the machine has no hardware PMU (this test machine, a VM without PMU
 * passthrough), the engine refuses with the report's reason before any kernel object of the session exists;
 * where it has one, the program is attached for real, counts samples, and detach removes its link.
 */
class HardwarePerfKernelTest {
    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Engine engine;

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
        engine = Engine.start(root, "HardwarePerfKernelTest", RiskPolicy.DEFAULT);
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    private static Pipeline cycles(PerfEvent.Builder event) {
        return Pipeline.newBuilder().setName("hwperf")
                .addObjects(BpfObject.newBuilder().setId("attachkinds")
                        .setPath(KernelTestSupport.testdata("obj/attachkinds.bpf.o").toString()))
                .addPrograms(Program.newBuilder().setObject("attachkinds").setName("count_perf")
                        .setAttach(AttachTarget.newBuilder().setPerfEvent(event)))
                .build();
    }

    @Test
    void cpuCyclesAttachWhereThereIsAPmuAndAreRefusedWithTheReportsReasonWhereNot() throws Exception {
        Support hw = Capabilities.running().find(Capability.Category.ATTACH_KIND, "perf_event.hardware")
                .orElseThrow().support();
        Pipeline pipeline = cycles(PerfEvent.newBuilder().setHardware("cpu-cycles").setCpu(0).setSamplePeriod(100_000));
        List<Requirement> needs = engine.verifyCompatibility(pipeline);
        Requirement kind = needs.stream().filter(r -> r.label().equals("attach kind perf_event.hardware"))
                .findFirst().orElseThrow(() -> new AssertionError(needs.toString()));

        if (hw instanceof Support.NotSupported ns) {
            // no PMU: the report says why, the check carries it, and apply refuses before the kernel
            assertTrue(ns.toString().startsWith("not supported: absent (no hardware PMU: perf_event_open of "
                    + "cpu-cycles got "), ns.toString());
            assertEquals(Requirement.Level.NOT_SUPPORTED, kind.level());
            assertEquals(ns.toString(), kind.reason());
            List<String> events = new java.util.ArrayList<>();
            SessionException e = assertThrows(SessionException.class,
                    () -> engine.apply(pipeline, ev -> events.add(ev.step().word() + " " + ev.text()), 1));
            assertEquals("attach kind perf_event.hardware (needed by attachkinds/count_perf) is not supported here: "
                    + ns.toString().substring("not supported: ".length()) + "; `gew runtime info --verbose` lists what "
                    + "this kernel allows", e.getMessage().substring(e.getMessage().indexOf("attach kind")));
            assertEquals(List.of(), events, "refused before the session was created");
            assertTrue(engine.list().getSessionsList().stream().noneMatch(s -> s.getRecord().getInstanceId().equals(engine.instanceId())),
                    "nothing committed");
            return;
        }
        assertTrue(hw.isSupported(), "the hardware perf probe is not conclusive here: " + hw);
        assertEquals(Requirement.Level.FULLY_SUPPORTED, kind.level(), kind.toString());
        List<String> events = new java.util.ArrayList<>();
        SessionRecord rec = engine.apply(pipeline, ev -> events.add(ev.step().word() + " " + ev.text()), 1);
        assertEquals(Phase.COMMITTED, rec.getPhase(), events.toString());
        assertTrue(events.contains("attach program count_perf -> perf_event:cpu-cycles:0:100000"), events.toString());
        Path mapPin = root.session(engine.instanceId(), rec.getSessionId()).resolve(PinRoot.MAPS).resolve("counts");
        try (Fd map = Bpf.get(mapPin.toString(), "map")) {
            Thread.sleep(300);
            long samples = ArrayCounts.read(map, 3).get(2);
            assertTrue(samples >= 1, "cpu-cycles samples on CPU 0 in 300 ms: " + samples);
            SessionLinks.detachAndCheckGone(engine, rec, 1);
            long after = ArrayCounts.read(map, 3).get(2);
            Thread.sleep(100);
            assertEquals(after, ArrayCounts.read(map, 3).get(2), "no samples after detach");
        }
    }

    @Test
    void aPerfEventNamesExactlyOneKnownEvent() {
        SessionException e = assertThrows(SessionException.class, () -> engine.apply(
                cycles(PerfEvent.newBuilder().setHardware("cpu-cycles").setSoftware("cpu-clock")), PhaseListener.SILENT, 1));
        assertTrue(e.getMessage().contains("programs[0].attach.perf_event: give either a software or a hardware event"),
                e.getMessage());
        e = assertThrows(SessionException.class, () -> engine.apply(
                cycles(PerfEvent.newBuilder().setHardware("cpu-clock")), PhaseListener.SILENT, 1));
        assertTrue(e.getMessage().contains("programs[0].attach.perf_event.hardware: 'cpu-clock' is not a hardware "
                + "event; perf's names are branch-instructions, branch-misses, branches, bus-cycles"), e.getMessage());
        assertTrue(PerfEvents.isHardware("instructions") && PerfEvents.isHardware("ref-cycles")
                && !PerfEvents.isHardware("cpu-clock"));
    }

    @Test
    void everyHardwareNameIsAConstantOfTheKernelsPerfHwId() {
        java.util.Set<String> constants = new java.util.TreeSet<>();
        for (var e : PerfEvents.hardwareNames().entrySet()) {
            int v = dev.gewyvern.syscall.kernel.KernelTypes.running().value("perf_hw_id", "PERF_COUNT_HW_" + e.getValue());
            assertTrue(v >= 0, e.getKey() + ": no PERF_COUNT_HW_" + e.getValue() + " in this kernel's enum perf_hw_id");
            constants.add(e.getValue());
        }
        // every generic hardware event of the enum has a name (PERF_COUNT_HW_MAX is its end)
        assertEquals(dev.gewyvern.syscall.kernel.KernelTypes.running().value("perf_hw_id", "PERF_COUNT_HW_MAX"),
                constants.size(), constants.toString());
    }
}
