package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.TextFormat;
import dev.gewyvern.elf.BpfProgram;
import dev.gewyvern.elf.ProgramSection;
import dev.gewyvern.elf.StructOpsMap;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.BtfTracepoint;
import dev.gewyvern.proto.v1.Cgroup;
import dev.gewyvern.proto.v1.Kprobe;
import dev.gewyvern.proto.v1.KprobeMulti;
import dev.gewyvern.proto.v1.LoadOnly;
import dev.gewyvern.proto.v1.NetfilterHook;
import dev.gewyvern.proto.v1.NetworkInterface;
import dev.gewyvern.proto.v1.NetworkNamespace;
import dev.gewyvern.proto.v1.PerfEvent;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.RawTracepoint;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.proto.v1.Tracepoint;
import dev.gewyvern.proto.v1.Tracing;
import dev.gewyvern.proto.v1.Uprobe;
import dev.gewyvern.proto.v1.UprobeMulti;
import dev.gewyvern.syscall.probes.Capabilities;
import dev.gewyvern.syscall.probes.Capability;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dry run predicts the load (issue 19 item 6): every testdata object loaded whole and each of its programs
 * alone (load-only), each program attached to a target of its own section's kind in an environment the test
 * makes (a cgroup, a veth pair in two network namespaces, a uprobe binary), the testdata pipelines, and targets
 * that cannot work (a program the object lacks, a target of the wrong kind, a tracepoint, interface, cgroup,
 * namespace or symbol that does not exist) are each dry-run (VerifyCompatibility and the plan, as
 * {@code gew session apply --dry-run}) and then applied for real on this kernel. They must agree:
 * <ul>
 * <li>"would apply" and the apply commits;</li>
 * <li>"would be refused" and the apply is refused, at the same step and for the same requirement;</li>
 * <li>the one exception: "would apply" and the verifier refuses a program, after walking its instructions or
 * where the report listed a requirement only the verifier decides. Anything the kernel refuses before
 * verification, a dry run must have said.</li>
 * </ul>
 * What is expected of each case comes from the kernel, never from a list in this test: on another kernel the
 * same test holds (h17's 6.1 guest runs it too). Risky requirements are allowed here: risk is policy, not
 * prediction (NegotiationKernelTest and RiskPolicyKernelTest hold the policy).
 */
class DryRunAgreesKernelTest {
    private static final Pattern PROCESSED = Pattern.compile("processed (\\d+) insns");
    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private final List<String> table = new ArrayList<>();
    private Engine engine;
    private Path cgroup;
    private String nsA;
    private String nsB;
    private String devB;
    private String netkit;
    private Path binary;

    @BeforeEach
    void setUp(@TempDir Path tmp) throws Exception {
        KernelTestSupport.requireBpf();
        engine = Engine.start(root, "DryRunAgreesKernelTest", RiskPolicy.fromLocalCommandLine(true));
        // this build's own probe answers, not a per-boot cache another build of gew may have written
        engine.capabilityCacheAt(tmp.resolve("capabilities"));
        String tag = Long.toString(ProcessHandle.current().pid() % 100000, 36)
                + Long.toString(System.nanoTime() % 1000000, 36);
        cgroup = KernelTestSupport.cgroup2().resolve("gwd-" + tag);
        Files.createDirectory(cgroup);
        nsA = "gwd" + tag + "a";
        nsB = "gwd" + tag + "b";
        devB = "gwd" + tag + "y";
        TestCommands.run("ip", "netns", "add", nsA);
        TestCommands.run("ip", "netns", "add", nsB);
        TestCommands.run("ip", "-n", nsA, "link", "add", "gwd" + tag + "x", "type", "veth", "peer", "name", devB,
                "netns", nsB);
        TestCommands.run("ip", "-n", nsB, "link", "set", devB, "up");
        // a netkit program needs a netkit device: made where the report says this kernel has them
        if (Capabilities.withoutHelpers().support(Capability.Category.ATTACH_KIND, "netkit").isSupported()) {
            netkit = "gwd" + tag + "k";
            TestCommands.run("ip", "-n", nsB, "link", "add", netkit, "type", "netkit");
        }
        binary = TestCommands.uprobeTarget(tmp);
    }

    @AfterEach
    void tearDown() throws Exception {
        System.out.println(String.join("\n", table));
        KernelTestSupport.detachAllAndClose(engine);
        TestCommands.deleteNetns(nsA);
        TestCommands.deleteNetns(nsB);
        if (cgroup != null) {
            Files.deleteIfExists(cgroup);
        }
    }

    private record Case(String name, Pipeline pipeline) {}

    @TestFactory
    List<DynamicTest> theDryRunPredictsTheApply() throws IOException {
        List<Case> cases = new ArrayList<>();
        for (Path obj : ObjectsKernelTest.objects()) {
            objectCases(obj, cases);
        }
        try (var files = Files.list(KernelTestSupport.testdata("pipelines"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".txtpb")).sorted().toList()) {
                // struct_ops registers a congestion control under a fixed, system-wide name, which another
                // test applying the same object at the same moment would hold: its load-only case is above
                if (!f.getFileName().toString().equals("struct_ops.txtpb")) {
                    cases.add(new Case("pipeline " + f.getFileName(), pipelineFile(f)));
                }
            }
        }
        wrongTargets(cases);
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases) {
            tests.add(DynamicTest.dynamicTest(c.name(), () -> agree(c)));
        }
        assertTrue(cases.size() > 100, cases.size() + " cases");
        return tests;
    }

    /** An object whole and each program alone, load-only; each program attached to a target of its kind. */
    private void objectCases(Path obj, List<Case> cases) throws IOException {
        String id = ObjectsKernelTest.libbpfName(obj).replace('_', '-');
        dev.gewyvern.elf.BpfObject parsed = dev.gewyvern.elf.BpfObject.parse(Files.readAllBytes(obj));
        List<String> loadable = new ArrayList<>();
        for (BpfProgram p : parsed.programs()) {
            if (p.section().isPresent() && p.section().get().kind().progType() != dev.gewyvern.elf.uapi.ProgType.STRUCT_OPS) {
                loadable.add(p.name());
            }
        }
        for (StructOpsMap m : parsed.structOps()) {
            loadable.add(m.name());
        }
        Pipeline.Builder whole = pipeline(id, obj);
        for (String name : loadable) {
            whole.addPrograms(Program.newBuilder().setObject(id).setName(name).setAttach(loadOnly()));
        }
        cases.add(new Case(obj.getFileName() + " load-only", whole.build()));
        for (String name : loadable) {
            cases.add(new Case(obj.getFileName() + " " + name + " load-only", pipeline(id, obj)
                    .addPrograms(Program.newBuilder().setObject(id).setName(name).setAttach(loadOnly())).build()));
        }
        for (BpfProgram p : parsed.programs()) {
            Optional<AttachTarget> target = p.section().flatMap(this::targetFor);
            target.ifPresent(t -> cases.add(new Case(obj.getFileName() + " " + p.name() + " -> " + t.getKindCase()
                    .name().toLowerCase(java.util.Locale.ROOT), pipeline(id, obj)
                    .addPrograms(Program.newBuilder().setObject(id).setName(p.name()).setAttach(t)).build())));
        }
    }

    private static Pipeline.Builder pipeline(String id, Path obj) {
        return Pipeline.newBuilder().setName("agree")
                .addObjects(BpfObject.newBuilder().setId(id).setPath(obj.toString()));
    }

    private static AttachTarget loadOnly() {
        return AttachTarget.newBuilder().setLoadOnly(LoadOnly.getDefaultInstance()).build();
    }

    /** A target of the program's own kind, in this test's environment; empty for kinds a Pipeline cannot attach. */
    private Optional<AttachTarget> targetFor(ProgramSection.Match m) {
        AttachTarget.Builder t = AttachTarget.newBuilder();
        String name = m.name();
        String netnsB = "/run/netns/" + nsB;
        switch (m.kind()) {
            case TRACEPOINT, TP, TRACEPOINT_S, TP_S -> {
                return m.category().isEmpty() || name.isEmpty() ? Optional.empty() : Optional.of(t.setTracepoint(
                        Tracepoint.newBuilder().setCategory(m.category()).setName(name)).build());
            }
            case RAW_TRACEPOINT, RAW_TP, RAW_TRACEPOINT_S, RAW_TP_S, RAW_TRACEPOINT_W, RAW_TP_W -> {
                return name.isEmpty() ? Optional.empty()
                        : Optional.of(t.setRawTracepoint(RawTracepoint.newBuilder().setName(name)).build());
            }
            case TP_BTF, TP_BTF_S -> {
                return name.isEmpty() ? Optional.empty()
                        : Optional.of(t.setBtfTracepoint(BtfTracepoint.newBuilder().setName(name)).build());
            }
            case FENTRY, FEXIT, FMOD_RET, FENTRY_S, FEXIT_S, FMOD_RET_S, LSM, LSM_S -> {
                return name.isEmpty() ? Optional.empty()
                        : Optional.of(t.setTracing(Tracing.newBuilder().setFunction(name)).build());
            }
            case ITER, ITER_S -> {
                return name.isEmpty() ? Optional.empty()
                        : Optional.of(t.setIter(dev.gewyvern.proto.v1.Iterator.newBuilder().setTarget(name)).build());
            }
            case KPROBE, KRETPROBE -> {
                return m.target().contains("+") ? Optional.empty() : Optional.of(t.setKprobe(Kprobe.newBuilder()
                        .setFunction(name.isEmpty() ? "do_unlinkat" : name)).build());
            }
            case KPROBE_MULTI, KRETPROBE_MULTI, KPROBE_SESSION -> {
                KprobeMulti.Builder km = KprobeMulti.newBuilder();
                if (name.contains("*") || name.contains("?")) {
                    km.setPattern(name);
                } else {
                    km.addAllSymbols(name.isEmpty() ? List.of("do_unlinkat") : List.of(name.split(",")));
                }
                return Optional.of(t.setKprobeMulti(km).build());
            }
            case UPROBE, URETPROBE, UPROBE_S, URETPROBE_S -> {
                return !m.target().isEmpty() ? Optional.empty() : Optional.of(t.setUprobe(Uprobe.newBuilder()
                        .setBinary(binary.toString()).setSymbol("gew_uprobe_target")).build());
            }
            case UPROBE_MULTI, URETPROBE_MULTI, UPROBE_SESSION, UPROBE_MULTI_S, URETPROBE_MULTI_S, UPROBE_SESSION_S -> {
                return !m.target().isEmpty() ? Optional.empty() : Optional.of(t.setUprobeMulti(UprobeMulti.newBuilder()
                        .setBinary(binary.toString()).setPattern("gew_uprobe_*")).build());
            }
            case PERF_EVENT -> {
                return Optional.of(t.setPerfEvent(PerfEvent.newBuilder().setSoftware("cpu-clock").setCpu(0)).build());
            }
            case XDP, TCX_INGRESS, TCX_EGRESS -> {
                return Optional.of(t.setNetdev(NetworkInterface.newBuilder().setName(devB).setNetns(netnsB)).build());
            }
            case NETKIT_PRIMARY, NETKIT_PEER -> {
                return Optional.of(t.setNetdev(NetworkInterface.newBuilder().setName(netkit == null ? devB : netkit)
                        .setNetns(netnsB)).build());
            }
            case SK_LOOKUP, FLOW_DISSECTOR -> {
                return Optional.of(t.setNetns(NetworkNamespace.newBuilder().setPath(netnsB)).build());
            }
            case NETFILTER -> {
                return Optional.of(t.setNetfilter(NetfilterHook.newBuilder().setFamily("ipv4").setHook("local_in")
                        .setPriority(100).setNetns(netnsB)).build());
            }
            default -> {
                if (m.kind().attachType().map(dev.gewyvern.elf.uapi.AttachType::constant).orElse("").startsWith("BPF_CGROUP_")) {
                    return Optional.of(t.setCgroup(Cgroup.newBuilder().setPath(cgroup.toString())).build());
                }
                return Optional.empty(); // socket filters, sk_skb, classic tc, lwt, ...: no Pipeline target
            }
        }
    }

    /** A testdata pipeline, its object paths made absolute against its folder (as the CLI does). */
    private static Pipeline pipelineFile(Path f) throws IOException {
        Pipeline.Builder b = Pipeline.newBuilder();
        TextFormat.getParser().merge(Files.readString(f, StandardCharsets.UTF_8), b);
        for (int i = 0; i < b.getObjectsCount(); i++) {
            BpfObject o = b.getObjects(i);
            b.setObjects(i, o.toBuilder().setPath(f.getParent().resolve(o.getPath()).normalize().toString()));
        }
        return b.build();
    }

    /** Targets that cannot work: each must be refused by the dry run, as by the apply. */
    private void wrongTargets(List<Case> cases) {
        Path attachkinds = KernelTestSupport.testdata("obj/attachkinds.bpf.o");
        Path execcount = KernelTestSupport.testdata("obj/execcount.bpf.o");
        String tag = Long.toString(ProcessHandle.current().pid(), 36);
        cases.add(wrong("a program the object lacks", execcount, "no_such_program", loadOnly()));
        cases.add(wrong("an xdp program on a cgroup", attachkinds, "count_xdp",
                AttachTarget.newBuilder().setCgroup(Cgroup.newBuilder().setPath(cgroup.toString())).build()));
        cases.add(wrong("a tracepoint that does not exist", execcount, "count_execs", AttachTarget.newBuilder()
                .setTracepoint(Tracepoint.newBuilder().setCategory("gew_none").setName("gew_none")).build()));
        cases.add(wrong("a raw tracepoint that does not exist", attachkinds, "count_raw_tp", AttachTarget.newBuilder()
                .setRawTracepoint(RawTracepoint.newBuilder().setName("gew_no_such_tracepoint")).build()));
        cases.add(wrong("an interface that does not exist", attachkinds, "count_xdp", AttachTarget.newBuilder()
                .setNetdev(NetworkInterface.newBuilder().setName("gwdnone" + tag).setNetns("/run/netns/" + nsB))
                .build()));
        cases.add(wrong("a cgroup that does not exist", attachkinds, "count_egress", AttachTarget.newBuilder()
                .setCgroup(Cgroup.newBuilder().setPath(cgroup.resolve("gwd-none").toString())).build()));
        cases.add(wrong("a network namespace that does not exist", attachkinds, "count_sk_lookup",
                AttachTarget.newBuilder().setNetns(NetworkNamespace.newBuilder().setPath("/run/netns/gwd-none-" + tag))
                        .build()));
        cases.add(wrong("a symbol the binary does not define", attachkinds, "count_uprobe", AttachTarget.newBuilder()
                .setUprobe(Uprobe.newBuilder().setBinary(binary.toString()).setSymbol("gew_no_such_symbol")).build()));
        cases.add(wrong("an iterator target other than the section's", attachkinds, "list_tasks",
                AttachTarget.newBuilder().setIter(dev.gewyvern.proto.v1.Iterator.newBuilder().setTarget("bpf_map"))
                        .build()));
    }

    private static Case wrong(String what, Path obj, String program, AttachTarget target) {
        String id = ObjectsKernelTest.libbpfName(obj);
        return new Case("wrong: " + what, pipeline(id, obj)
                .addPrograms(Program.newBuilder().setObject(id).setName(program).setAttach(target)).build());
    }

    /** The dry run's verdict: admitted and planned, or the failure it predicts. */
    private record Prediction(List<Requirement> requirements, SessionException failure) {
        boolean applies() {
            return failure == null;
        }
    }

    private Prediction dryRun(Pipeline p) {
        List<Requirement> reqs;
        try {
            reqs = engine.verifyCompatibility(p);
        } catch (SessionException e) {
            return new Prediction(List.of(), e);
        }
        for (Requirement r : reqs) {
            if (r.level() == Requirement.Level.NOT_SUPPORTED) {
                return new Prediction(reqs, SessionException.refused(r, r.label()));
            }
        }
        try {
            engine.plan(p);
            return new Prediction(reqs, null);
        } catch (SessionException e) {
            return new Prediction(reqs, e);
        }
    }

    private void agree(Case c) {
        Prediction dry = dryRun(c.pipeline());
        SessionException failure = null;
        try {
            SessionRecord rec = engine.apply(c.pipeline(), PhaseListener.SILENT, 1);
            engine.detach(rec.getSessionId());
        } catch (SessionException e) {
            failure = e;
        }
        String said = dry.applies() ? "would apply" : "refused at " + dry.failure().step() + ": " + first(dry.failure());
        String did = failure == null ? "applied" : "refused at " + failure.step() + ": " + first(failure);
        if (dry.applies() && failure != null) {
            String why = verifierOnly(failure, dry.requirements());
            if (why == null) {
                fail(c.name() + ": the dry run said it would apply, but the apply was " + did);
            }
            table.add(String.format("%-60s %-14s verifier only: %s", c.name(), said, why));
            return;
        }
        table.add(String.format("%-60s %-14s %s", c.name(), dry.applies() ? "would apply" : "refused", did));
        if (c.name().startsWith("wrong: ")) {
            assertTrue(!dry.applies(), c.name() + ": a target that cannot work, and the dry run said it would apply");
        }
        if (!dry.applies()) {
            assertTrue(failure != null, c.name() + ": the dry run " + said + ", but the apply committed");
            assertEquals(dry.failure().step(), failure.step(), c.name() + ": dry run " + said + "; apply " + did);
            assertEquals(dry.failure().kind(), failure.kind(), c.name() + ": dry run " + said + "; apply " + did);
            if (dry.failure().requirement() != null) {
                assertEquals(dry.failure().requirement().label(), failure.requirement().label(), c.name());
            }
        }
    }

    /**
     * Why a refusal after "would apply" is the verifier's alone, or null when it is not: a program refused at
     * load whose log shows the verifier walked its instructions, or one the report said only the verifier
     * decides.
     */
    private static String verifierOnly(SessionException e, List<Requirement> reqs) {
        if (e.step() != Step.VERIFY || e.kind() != SessionException.Kind.KERNEL) {
            return null;
        }
        String log = e.verifierLog() == null ? "" : e.verifierLog();
        Matcher m = PROCESSED.matcher(log);
        if (m.find() && Long.parseLong(m.group(1)) > 0) {
            return "the verifier walked " + m.group(1) + " instructions: " + dev.gewyvern.syscall.VerifierLog.reason(log);
        }
        for (Requirement r : reqs) {
            if (r.basis() == Requirement.Basis.VERIFIER) {
                return "the report listed " + r.label() + " as the verifier's to decide";
            }
        }
        return null;
    }

    private static String first(SessionException e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
