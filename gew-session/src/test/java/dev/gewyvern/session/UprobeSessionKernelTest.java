package dev.gewyvern.session;

import static dev.gewyvern.session.TestCommands.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import dev.gewyvern.proto.v1.LinkDetail;
import dev.gewyvern.proto.v1.SessionDetail;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.Phase;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.proto.v1.UprobeMulti;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Fd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * uprobe.session links (testdata/src/uprobesession.bpf.c on the binary of testdata/uprobe/target.c, which
 * calls gew_uprobe_target() and gew_uprobe_other() N times each): a session program that returns 0 at a
 * function's entry runs again at its return, one that returns 1 does not; bpf_session_is_return() (a
 * kfunc) tells the two runs apart. Detach removes the links.
 */
class UprobeSessionKernelTest {
    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Engine engine;

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
        // a kernel whose report has no uprobe.session: LinkKindsKernelTest holds the kernel to that answer
        dev.gewyvern.syscall.probes.Support s = dev.gewyvern.syscall.probes.Capabilities.withoutHelpers()
                .support(dev.gewyvern.syscall.probes.Capability.Category.ATTACH_KIND, "uprobe.session");
        org.junit.jupiter.api.Assumptions.assumeTrue(s.isSupported(), "uprobe.session here: " + s);
        engine = Engine.start(root, "UprobeSessionKernelTest", RiskPolicy.DEFAULT);
    }

    @AfterEach
    void tearDown() {
        KernelTestSupport.detachAllAndClose(engine);
    }

    private static Program prog(String name, UprobeMulti.Builder target) {
        return Program.newBuilder().setObject("uprobesession").setName(name)
                .setAttach(AttachTarget.newBuilder().setUprobeMulti(target)).build();
    }

    @Test
    void aSessionProgramRunsAtReturnOnlyWhenItsEntryReturnedZero(@TempDir Path tmp) throws Exception {
        Path bin = TestCommands.uprobeTarget(tmp);
        Pipeline pipeline = Pipeline.newBuilder().setName("uprobesession").addObjects(BpfObject.newBuilder()
                        .setId("uprobesession").setPath(KernelTestSupport.testdata("obj/uprobesession.bpf.o").toString()))
                .addPrograms(prog("both_ends", UprobeMulti.newBuilder().setBinary(bin.toString())
                        .addSymbols("gew_uprobe_target")))
                .addPrograms(prog("entry_only", UprobeMulti.newBuilder().setBinary(bin.toString())
                        .setPattern("gew_uprobe_*")))
                .build();
        List<Requirement> needs = engine.verifyCompatibility(pipeline);
        assertTrue(needs.stream().anyMatch(r -> r.label().equals("attach kind uprobe.session")
                && r.level() == Requirement.Level.FULLY_SUPPORTED), needs.toString());

        List<String> events = new java.util.ArrayList<>();
        SessionRecord rec = engine.apply(pipeline, ev -> events.add(ev.step().word() + " " + ev.text()), 1);
        assertEquals(Phase.COMMITTED, rec.getPhase(), events.toString());
        assertTrue(events.contains("attach program both_ends -> uprobe.multi:" + bin + ":gew_uprobe_target"),
                events.toString());
        assertTrue(events.contains("attach program entry_only -> uprobe.multi:" + bin + ":gew_uprobe_* (2 functions)"),
                events.toString());
        SessionDetail view = engine.show(rec.getSessionId(), 4);
        assertEquals(2, view.getLinksList().size(), view.getLinksList().toString());
        for (LinkDetail l : view.getLinksList()) {
            assertEquals("uprobe_multi", l.getType(), l.toString());
        }
        Path mapPin = root.session(engine.instanceId(), rec.getSessionId()).resolve(PinRoot.MAPS).resolve("calls");
        try (Fd map = Bpf.get(mapPin.toString(), "map")) {
            run(bin.toString(), "3");
            // both_ends: 3 entries and 3 returns of gew_uprobe_target; entry_only: 6 entries, no return run
            assertEquals(List.of(3L, 3L, 6L, 0L), ArrayCounts.read(map, 4));
            SessionLinks.detachAndCheckGone(engine, rec, 2);
            run(bin.toString(), "2");
            assertEquals(List.of(3L, 3L, 6L, 0L), ArrayCounts.read(map, 4), "nothing counted after detach");
        }
    }
}
