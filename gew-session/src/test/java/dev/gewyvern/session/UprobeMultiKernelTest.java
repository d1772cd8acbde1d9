package dev.gewyvern.session;

import static dev.gewyvern.session.TestCommands.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
 * uprobe.multi targets through the engine (testdata/src/uprobemulti.bpf.c on a binary compiled from
 * testdata/uprobe/target.c, which calls gew_uprobe_target() and gew_uprobe_other() N times each): calls
 * counted per function by the cookie each symbol got, returns from every function a glob matches, and a
 * link limited to one process, which sees that process's calls only. Detach removes every link.
 */
class UprobeMultiKernelTest {
    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Engine engine;

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
        // a kernel whose report has no uprobe.multi: LinkKindsKernelTest holds the kernel to that answer
        dev.gewyvern.syscall.probes.Support s = dev.gewyvern.syscall.probes.Capabilities.withoutHelpers()
                .support(dev.gewyvern.syscall.probes.Capability.Category.ATTACH_KIND, "uprobe.multi");
        org.junit.jupiter.api.Assumptions.assumeTrue(s.isSupported(), "uprobe.multi here: " + s);
        engine = Engine.start(root, "UprobeMultiKernelTest", RiskPolicy.DEFAULT);
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    private static Program prog(String name, UprobeMulti.Builder target) {
        return Program.newBuilder().setObject("uprobemulti").setName(name)
                .setAttach(AttachTarget.newBuilder().setUprobeMulti(target)).build();
    }

    private static Pipeline pipeline(Program... programs) {
        return Pipeline.newBuilder().setName("uprobemulti").addObjects(BpfObject.newBuilder().setId("uprobemulti")
                .setPath(KernelTestSupport.testdata("obj/uprobemulti.bpf.o").toString()))
                .addAllPrograms(List.of(programs)).build();
    }

    @Test
    void cookiesTellTheFunctionsApartAPatternMatchesBothAndAPidLimits(@TempDir Path tmp) throws Exception {
        Path bin = TestCommands.uprobeTarget(tmp);
        // a process that waits for a line on stdin, then becomes the target binary (same pid) and calls each
        // function 3 times: the pid the count_pid link is limited to
        Process waiting = new ProcessBuilder("bash", "-c", "read -r _; exec " + bin + " 3").start();
        int pid = (int) waiting.pid();
        try {
            Pipeline pipeline = pipeline(
                    prog("count_calls", UprobeMulti.newBuilder().setBinary(bin.toString())
                            .addSymbols("gew_uprobe_target").addSymbols("gew_uprobe_other").addCookies(1).addCookies(2)),
                    prog("count_returns", UprobeMulti.newBuilder().setBinary(bin.toString()).setPattern("gew_uprobe_*")),
                    prog("count_pid", UprobeMulti.newBuilder().setBinary(bin.toString()).addSymbols("gew_uprobe_target")
                            .addCookies(3).setPid(pid)));
            List<Requirement> needs = engine.verifyCompatibility(pipeline);
            assertTrue(needs.stream().anyMatch(r -> r.label().equals("attach kind uprobe.multi")
                    && r.level() == Requirement.Level.FULLY_SUPPORTED), needs.toString());

            List<String> events = new java.util.ArrayList<>();
            SessionRecord rec = engine.apply(pipeline, ev -> events.add(ev.step().word() + " " + ev.text()), 1);
            assertEquals(Phase.COMMITTED, rec.getPhase(), events.toString());
            assertTrue(events.contains("attach program count_returns -> uretprobe.multi:" + bin
                    + ":gew_uprobe_* (2 functions)"), events.toString());
            assertTrue(events.contains("attach program count_calls -> uprobe.multi:" + bin
                    + ":gew_uprobe_target,gew_uprobe_other"), events.toString());
            assertTrue(events.contains("attach program count_pid -> uprobe.multi:" + bin + ":gew_uprobe_target (process " + pid + ")"),
                    events.toString());

            SessionDetail view = engine.show(rec.getSessionId(), 16);
            assertEquals(3, view.getLinksList().size(), view.getLinksList().toString());
            for (LinkDetail l : view.getLinksList()) {
                assertEquals("uprobe_multi", l.getType(), l.toString());
            }
            Path mapPin = root.session(engine.instanceId(), rec.getSessionId()).resolve(PinRoot.MAPS).resolve("calls");
            try (Fd map = Bpf.get(mapPin.toString(), "map")) {
                run(bin.toString(), "3");
                // slot 0: returns of both functions (no cookies); 1 and 2: calls by cookie; 3: the link of another pid
                assertEquals(List.of(6L, 3L, 3L, 0L), ArrayCounts.read(map, 4), "calls and returns, by cookie");
                waiting.getOutputStream().write('\n');
                waiting.getOutputStream().close();
                assertEquals(0, waiting.waitFor(), "the waiting process ran the binary");
                assertEquals(List.of(12L, 6L, 6L, 3L), ArrayCounts.read(map, 4), "the limited link saw its pid's 3 calls");

                SessionLinks.detachAndCheckGone(engine, rec, 3);
                run(bin.toString(), "2");
                assertEquals(List.of(12L, 6L, 6L, 3L), ArrayCounts.read(map, 4), "nothing counted after detach");
            }
        } finally {
            waiting.destroyForcibly();
        }
    }

    @Test
    void cookiesMustMatchTheSymbolsAndAPatternMustMatchSomething(@TempDir Path tmp) throws Exception {
        Path bin = TestCommands.uprobeTarget(tmp);
        SessionException e = assertThrows(SessionException.class, () -> engine.apply(pipeline(prog("count_calls",
                UprobeMulti.newBuilder().setBinary(bin.toString()).addSymbols("gew_uprobe_target").addCookies(1)
                        .addCookies(2))), PhaseListener.SILENT, 1));
        assertTrue(e.getMessage().contains("programs[0].attach.uprobe_multi.cookies: 2 cookies for 1 symbols"),
                e.getMessage());
        e = assertThrows(SessionException.class, () -> engine.apply(pipeline(prog("count_calls",
                UprobeMulti.newBuilder().setBinary(bin.toString()).setPattern("gew_*").addSymbols("main"))),
                PhaseListener.SILENT, 1));
        assertTrue(e.getMessage().contains("give either symbols or a pattern"), e.getMessage());
        e = assertThrows(SessionException.class, () -> engine.apply(pipeline(prog("count_calls",
                UprobeMulti.newBuilder().setBinary(bin.toString()).setPattern("no_such_*"))), PhaseListener.SILENT, 1));
        assertTrue(e.getMessage().contains("no function of " + bin + " matches 'no_such_*'"), e.getMessage());
        // a uprobe.multi target needs a uprobe.multi section
        e = assertThrows(SessionException.class, () -> engine.apply(Pipeline.newBuilder().setName("wrong")
                .addObjects(BpfObject.newBuilder().setId("attachkinds")
                        .setPath(KernelTestSupport.testdata("obj/attachkinds.bpf.o").toString()))
                .addPrograms(Program.newBuilder().setObject("attachkinds").setName("count_uprobe")
                        .setAttach(AttachTarget.newBuilder().setUprobeMulti(UprobeMulti.newBuilder()
                                .setBinary(bin.toString()).addSymbols("gew_uprobe_target")))).build(),
                PhaseListener.SILENT, 1));
        assertTrue(e.getMessage().contains("a uprobe_multi target needs a uprobe.multi/... or uretprobe.multi/..."),
                e.getMessage());
        assertTrue(engine.list().getSessionsList().stream().noneMatch(s -> s.getRecord().getInstanceId().equals(engine.instanceId())),
                "nothing committed");
    }
}
