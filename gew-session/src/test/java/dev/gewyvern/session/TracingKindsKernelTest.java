package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.proto.v1.SessionDetail;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.Freplace;
import dev.gewyvern.proto.v1.Kprobe;
import dev.gewyvern.proto.v1.KprobeMulti;
import dev.gewyvern.proto.v1.Phase;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.RawTracepoint;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.proto.v1.Tracing;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.kernel.KernelTypes;
import dev.gewyvern.syscall.probes.Capabilities;
import dev.gewyvern.syscall.probes.Capability;
import dev.gewyvern.syscall.probes.Support;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * fentry, fexit, fmod_ret (on an error-injection function and on a security_* hook), lsm, kprobe, kretprobe, kprobe.multi and freplace through the engine, with
 * testdata/src/tracing_kinds.bpf.c, decided by gew's capability report on the kernel the test runs on: a
 * kind it calls supported attaches, runs on its event and detaches; a session needing a kind it calls not
 * supported fails before touching the kernel, with the report's reason, leaving nothing. The dry run's
 * plan shows every attr these kinds are made of, decoded.
 */
class TracingKindsKernelTest {
    private static final Path OBJECT = KernelTestSupport.testdata("obj/tracing_kinds.bpf.o");
    private static final boolean KPROBE_PMU = Files.isDirectory(Path.of("/sys/bus/event_source/devices/kprobe"));
    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Engine engine;

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
        engine = Engine.start(root, "TracingKindsKernelTest", RiskPolicy.fromLocalCommandLine(true));
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    private static Program prog(String name, AttachTarget.Builder target) {
        return Program.newBuilder().setObject("tracing_kinds").setName(name).setAttach(target).build();
    }

    private static Pipeline pipeline(Program... programs) {
        return Pipeline.newBuilder().setName("tracingkinds")
                .addObjects(dev.gewyvern.proto.v1.BpfObject.newBuilder().setId("tracing_kinds").setPath(OBJECT.toString()))
                .addAllPrograms(List.of(programs)).build();
    }

    private static AttachTarget.Builder tracing(String function) {
        return AttachTarget.newBuilder().setTracing(Tracing.newBuilder().setFunction(function));
    }

    private static AttachTarget.Builder kprobe(String function, long offset) {
        return AttachTarget.newBuilder().setKprobe(Kprobe.newBuilder().setFunction(function).setOffset(offset));
    }

    /** The kernel's own answer: the program loaded by itself, against its section's target. */
    private static String directLoad(String program) throws IOException {
        try (ObjectsKernelTest.GewLoad gew = new ObjectsKernelTest.GewLoad(OBJECT, "tracing_kinds")) {
            gew.load(program);
            return "loaded";
        } catch (SessionException e) {
            return e.getMessage().contains("EPERM") ? "EPERM" : e.getMessage();
        }
    }

    /** Applying {@code p} fails at the compatibility check, before any kernel call of the session, leaving nothing. */
    private SessionException refusedBeforeTheKernel(Pipeline p) {
        List<String> events = new ArrayList<>();
        SessionException e = assertThrows(SessionException.class,
                () -> engine.apply(p, ev -> events.add(ev.step().word() + " " + ev.text()), 1));
        assertEquals(Step.COMPATIBILITY, e.step(), e.getMessage());
        assertEquals(SessionException.Kind.UNSUPPORTED, e.kind(), e.getMessage());
        assertTrue(events.isEmpty(), "no phase began: " + events);
        assertTrue(PinRoot.childFolders(root.sessions(engine.instanceId())).isEmpty(), "nothing committed");
        assertTrue(PinRoot.childFolders(root.instance(engine.instanceId()).resolve("staging")).isEmpty(),
                "nothing staged");
        return e;
    }

    /**
     * A session refused for what the capability report says: the requirement it names is not supported,
     * with exactly the report's answer for it as the reason.
     */
    private SessionException refusedAsReported(Pipeline p, Capabilities caps) {
        SessionException e = refusedBeforeTheKernel(p);
        Requirement r = e.requirement();
        assertEquals(Requirement.Level.NOT_SUPPORTED, r.level(), e.getMessage());
        Capability.Category category = java.util.Arrays.stream(Capability.Category.values())
                .filter(c -> c.text().equals(r.kind())).findFirst().orElseThrow(() -> new AssertionError(r.toString()));
        assertEquals(caps.support(category, r.name()).toString(), r.reason(), "the report's reason");
        return e;
    }

    /** counts[slot] of the session's counts map. */
    private long count(SessionRecord rec, int slot) {
        return Long.parseLong(engine.show(rec.getSessionId(), 16).getMapsList().stream().filter(m -> m.getName().equals("counts"))
                .findFirst().orElseThrow().getEntriesList().stream().filter(e -> e.getKeyText().equals(Integer.toString(slot)))
                .findFirst().orElseThrow().getValueText());
    }

    /** An unlink(2) of a file of the test's own: do_unlinkat runs. */
    private static void unlink() throws IOException {
        Files.delete(Files.createTempFile("gew-tracing-kinds", ".tmp"));
    }

    /** bpf_modify_return_test runs when a program attached to it is test-run (the kernel's own test hook). */
    private void testRun(SessionRecord rec, String program) {
        Path pin = root.session(engine.instanceId(), rec.getSessionId()).resolve(PinRoot.PROGS).resolve(program);
        try (Fd prog = dev.gewyvern.syscall.Bpf.get(pin.toString(), "program")) {
            dev.gewyvern.syscall.Bpf.testRun(new dev.gewyvern.syscall.attr.ProgTestRunAttr(prog.value(), null, null, 1, null,
                    null, 0, 0));
        }
    }

    interface Trigger {
        void run(SessionRecord rec) throws Exception;
    }

    /**
     * Each kind the capability report calls supported attaches through a session, runs on its event
     * (counted in its slot) and stops once detached; each it calls not supported is refused before any
     * kernel call with the report's reason, and the kernel agrees: the program loaded by itself fails.
     */
    private void reportDecides(Capabilities caps, String kind, String program, int slot, Pipeline p, Trigger fire,
                               TestReporter reporter) throws Exception {
        Support reported = caps.support(Capability.Category.ATTACH_KIND, kind);
        if (!reported.isSupported()) {
            refusedAsReported(p, caps);
            if (reported instanceof Support.NotSupported ns && ns.why() == Support.Why.REFUSED_BY_POLICY) {
                assertEquals("EPERM", directLoad(program), kind + " is reported refused by policy: " + reported);
            }
            published(reporter, kind, "refused before the kernel, " + reported);
            return;
        }
        SessionRecord rec = engine.apply(p, PhaseListener.SILENT, 1);
        assertEquals(Phase.COMMITTED, rec.getPhase());
        fire.run(rec);
        long fired = count(rec, slot);
        assertTrue(fired >= 1, kind + " (" + program + ") ran " + fired + " times");
        engine.detach(rec.getSessionId());
        published(reporter, kind, "attached, ran, detached");
    }

    /**
     * What happened to an attach kind, for the per-kernel table kernels/ci prints (kernels/JUnitRun.java
     * collects these entries; surefire lists them in its report).
     */
    static void published(TestReporter reporter, String kind, String outcome) {
        reporter.publishEntry("attach " + kind, outcome);
    }

    @Test
    void fentryFexitFmodRetAndLsmFollowTheReport(TestReporter reporter) throws Exception {
        Capabilities caps = Capabilities.withoutHelpers();
        reportDecides(caps, "fentry", "on_unlink_entry", 0, pipeline(prog("on_unlink_entry", tracing("do_unlinkat"))),
                rec -> unlink(), reporter);
        reportDecides(caps, "fexit", "on_unlink_exit", 1, pipeline(prog("on_unlink_exit", tracing("do_unlinkat"))),
                rec -> unlink(), reporter);
        reportDecides(caps, "fmod_ret", "on_modify_return", 2,
                pipeline(prog("on_modify_return", tracing("bpf_modify_return_test"))),
                rec -> testRun(rec, "on_modify_return"), reporter);
        // fmod_ret on a security_* hook is a target class of its own (fmod_ret.security): a kernel without an
        // error-injection list still takes it. Returning 0 lets the hook run on, so nothing is denied.
        reportDecides(caps, "fmod_ret.security", "on_security_open", 10,
                pipeline(prog("on_security_open", tracing("security_file_open"))),
                rec -> Files.readAllBytes(Path.of("/proc/self/stat")), reporter);
        reportDecides(caps, "lsm", "on_file_open", 3, pipeline(prog("on_file_open", tracing("file_open"))),
                rec -> Files.readAllBytes(Path.of("/proc/self/stat")), reporter);
    }

    @Test
    void kprobesFollowTheReport(TestReporter reporter) throws Exception {
        Capabilities caps = Capabilities.withoutHelpers();
        reportDecides(caps, "kprobe", "kp_unlink", 4, pipeline(prog("kp_unlink", kprobe("do_unlinkat", 0))),
                rec -> unlink(), reporter);
        reportDecides(caps, "kretprobe", "kp_unlink_ret", 5, pipeline(prog("kp_unlink_ret", kprobe("do_unlinkat", 0))),
                rec -> unlink(), reporter);
        reportDecides(caps, "kprobe.multi", "kp_multi", 7, pipeline(prog("kp_multi", AttachTarget.newBuilder()
                .setKprobeMulti(KprobeMulti.newBuilder().addSymbols("do_unlinkat").addSymbols("do_rmdir")))),
                rec -> unlink(), reporter);
    }

    /** The fd the dry run handed out for the call at {@code index}: placeholders count up from 1000000. */
    private static int placeholder(List<String> plan, String prefix) {
        for (int i = 0; i < plan.size(); i++) {
            if (plan.get(i).startsWith(prefix)) {
                return 1_000_000 + i;
            }
        }
        throw new AssertionError("no call " + prefix + " in " + plan);
    }

    private static void planHas(List<String> plan, String text) {
        assertTrue(plan.stream().anyMatch(c -> c.contains(text)), "the plan has " + text + ":\n" + String.join("\n", plan));
    }

    @Test
    void theDryRunPlanShowsEveryAttrDecoded() throws Exception {
        Pipeline p = pipeline(
                prog("kp_unlink", kprobe("do_unlinkat", 0)),
                prog("kp_unlink_ret", kprobe("do_unlinkat", 0)),
                prog("kp_any", kprobe("vfs_read", 16)),
                prog("kp_multi", AttachTarget.newBuilder().setKprobeMulti(
                        KprobeMulti.newBuilder().addSymbols("do_unlinkat").addSymbols("do_rmdir")
                                .addCookies(1).addCookies(0xfeedL))),
                prog("kp_multi_ret", AttachTarget.newBuilder().setKprobeMulti(
                        KprobeMulti.newBuilder().setPattern("do_unlinkat*"))),
                prog("on_unlink_entry", tracing("do_unlinkat")),
                prog("on_file_open", tracing("file_open")),
                prog("on_sys_enter", AttachTarget.newBuilder().setRawTracepoint(RawTracepoint.newBuilder()
                        .setName("sys_enter"))),
                prog("new_answer", AttachTarget.newBuilder().setFreplace(Freplace.newBuilder().setProgram("on_sys_enter"))));
        List<String> plan = engine.plan(p);
        KernelTypes k = KernelTypes.running();

        // kprobes: a kprobe PMU event (its type and retprobe bit read from sysfs) linked as a perf event
        String pmu = KPROBE_PMU ? Files.readString(Path.of("/sys/bus/event_source/devices/kprobe/type")).trim()
                : "none (no kprobe PMU here)";
        long retBit = KPROBE_PMU ? 1L << Integer.parseInt(Files.readString(
                Path.of("/sys/bus/event_source/devices/kprobe/format/retprobe")).trim().substring("config:".length())) : 0;
        planHas(plan, "perf_event_open KprobeEventAttr[type=" + pmu + ", config=0, config1=&\"do_unlinkat\", config2=0]"
                + " pid -1 cpu 0");
        planHas(plan, "perf_event_open KprobeEventAttr[type=" + pmu + ", config=" + retBit
                + ", config1=&\"do_unlinkat\", config2=0] pid -1 cpu 0");
        planHas(plan, "perf_event_open KprobeEventAttr[type=" + pmu + ", config=0, config1=&\"vfs_read\", config2=16]");
        int perfEvent = k.attachType("BPF_PERF_EVENT");
        int event = placeholder(plan, "perf_event_open KprobeEventAttr");
        planHas(plan, "BPF_LINK_CREATE LinkCreateAttr[progFd=" + placeholder(plan, "BPF_PROG_LOAD ProgLoadAttr[progType=2, "
                + "expectedAttachType=0, insns=<") + ", targetFd=" + event + ", attachType=" + perfEvent);

        // kprobe.multi: the symbols as given, or the pattern resolved from available_filter_functions
        int multi = k.attachType("BPF_TRACE_KPROBE_MULTI");
        planHas(plan, "BPF_PROG_LOAD ProgLoadAttr[progType=2, expectedAttachType=" + multi);
        planHas(plan, "BPF_LINK_CREATE KprobeMultiLinkAttr[progFd=");
        planHas(plan, ", attachType=" + multi + ", flags=0, symbols=[do_unlinkat, do_rmdir], cookies=[1, 65261]]");
        // available_filter_functions where it can be read (this sandbox answers EPERM), else kallsyms' text symbols
        List<String> matching = new ArrayList<>();
        List<String> lines;
        int column = 0;
        try {
            lines = Files.readAllLines(Path.of("/sys/kernel/tracing/available_filter_functions"));
        } catch (IOException e) {
            lines = Files.readAllLines(Path.of("/proc/kallsyms"));
            column = 2;
        }
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            String name = f[column];
            boolean text = column == 0 || f[1].equalsIgnoreCase("t");
            if (text && name.startsWith("do_unlinkat") && !name.contains(".") && !matching.contains(name)) {
                matching.add(name);
            }
        }
        assertTrue(matching.contains("do_unlinkat"), matching.toString());
        planHas(plan, ", attachType=" + multi + ", flags=" + dev.gewyvern.syscall.attr.KprobeMultiLinkAttr.RETURN + ", symbols="
                + matching + ", cookies=[]]");

        // fentry and lsm: loaded against the function's (the hook's) id in vmlinux BTF, linked as tracing links
        int fentry = k.attachType("BPF_TRACE_FENTRY");
        int lsm = k.attachType("BPF_LSM_MAC");
        planHas(plan, "expectedAttachType=" + fentry + ", insns=<");
        planHas(plan, "name=on_unlink_entry, kernVersion=0, progFlags=0, logLevel=0, log=null, progBtfFd=");
        planHas(plan, "attachBtfId=" + k.function("do_unlinkat") + ", attachBtfObjFd=0]");
        planHas(plan, "attachBtfId=" + k.function("bpf_lsm_file_open") + ", attachBtfObjFd=0]");
        planHas(plan, ", targetFd=0, attachType=" + fentry + ", targetBtfId=0, cookie=0]");
        planHas(plan, ", targetFd=0, attachType=" + lsm + ", targetBtfId=0, cookie=0]");

        // freplace: loaded against gew_answer of on_sys_enter (its fd, and the function's id in its BTF)
        BpfObject obj = BpfObject.parse(Files.readAllBytes(OBJECT));
        int answer = obj.btf().orElseThrow().find(BtfKind.FUNC, "gew_answer");
        assertTrue(answer > 0);
        int target = placeholder(plan, "BPF_PROG_LOAD ProgLoadAttr[progType=17, ");
        planHas(plan, "BPF_PROG_LOAD ProgLoadAttr[progType=" + k.value("bpf_prog_type", "BPF_PROG_TYPE_EXT"));
        planHas(plan, "attachBtfId=" + answer + ", attachBtfObjFd=" + target + "]");
        planHas(plan, "BPF_LINK_CREATE TracingLinkAttr[progFd=" + placeholder(plan, "BPF_PROG_LOAD ProgLoadAttr[progType="
                + k.value("bpf_prog_type", "BPF_PROG_TYPE_EXT")) + ", targetFd=0, attachType=0, targetBtfId=0, cookie=0]");
        assertTrue(PinRoot.childFolders(root.sessions(engine.instanceId())).isEmpty(), "a dry run makes nothing");
    }

    @Test
    void freplaceFollowsTheReport(TestReporter reporter) throws Exception {
        Capabilities caps = Capabilities.withoutHelpers();
        Support reported = caps.support(Capability.Category.ATTACH_KIND, "freplace");
        Pipeline p = pipeline(
                prog("on_sys_enter", AttachTarget.newBuilder().setRawTracepoint(RawTracepoint.newBuilder()
                        .setName("sys_enter"))),
                prog("new_answer", AttachTarget.newBuilder().setFreplace(Freplace.newBuilder().setProgram("on_sys_enter"))));
        if (!reported.isSupported()) {
            refusedAsReported(p, caps);
            published(reporter, "freplace", "refused before the kernel, " + reported);
            return;
        }
        SessionRecord rec = engine.apply(p, PhaseListener.SILENT, 1);
        Thread.sleep(50);
        SessionDetail view = engine.show(rec.getSessionId(), 16);
        String nine = view.getMapsList().stream().filter(m -> m.getName().equals("counts")).findFirst().orElseThrow().getEntriesList()
                .stream().filter(e -> e.getKeyText().equals("9")).findFirst().orElseThrow().getValueText();
        assertEquals("42", nine, "counts[9] = 42 - gew_answer(1): 41 with the original, 42 once new_answer "
                + "(returning 0) replaces it");
        engine.detach(rec.getSessionId());
        published(reporter, "freplace", "attached, ran, detached");
    }

    @Test
    void aTargetThatDisagreesWithTheSectionIsRefusedByName() {
        Pipeline p = pipeline(prog("kp_multi_ret", AttachTarget.newBuilder().setKprobeMulti(
                KprobeMulti.newBuilder().setPattern("do_rmdir*"))));
        SessionException e = assertThrows(SessionException.class, () -> engine.plan(p));
        assertTrue(e.getMessage().contains("program 'kp_multi_ret' is in section 'kretprobe.multi/do_unlinkat*' but "
                + "its target is kprobe_multi do_rmdir*: they must name the same target"), e.getMessage());
        Pipeline q = pipeline(prog("on_unlink_entry", tracing("vfs_read")));
        SessionException f = assertThrows(SessionException.class, () -> engine.plan(q));
        assertTrue(f.getMessage().contains("program 'on_unlink_entry' is in section 'fentry/do_unlinkat' but its target "
                + "is tracing vfs_read: they must name the same target"), f.getMessage());
        Pipeline r = pipeline(prog("on_sys_enter", tracing("do_unlinkat")));
        SessionException g = assertThrows(SessionException.class, () -> engine.plan(r));
        assertTrue(g.getMessage().contains("program 'on_sys_enter' is a BPF_PROG_TYPE_RAW_TRACEPOINT program (section "
                + "'raw_tp/sys_enter'); a tracing target needs a fentry/... or fexit/... or fmod_ret/..."), g.getMessage());
    }
}
