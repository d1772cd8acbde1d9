package dev.gewyvern.session;

import dev.gewyvern.proto.v1.LinkDetail;
import dev.gewyvern.proto.v1.ProgramDetail;
import dev.gewyvern.proto.v1.SessionDetail;
import dev.gewyvern.proto.v1.MapEntry;
import dev.gewyvern.proto.v1.MapContents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.BtfTracepoint;
import dev.gewyvern.proto.v1.Cgroup;
import dev.gewyvern.proto.v1.NetfilterHook;
import dev.gewyvern.proto.v1.NetworkInterface;
import dev.gewyvern.proto.v1.NetworkNamespace;
import dev.gewyvern.proto.v1.PerfEvent;
import dev.gewyvern.proto.v1.Phase;
import dev.gewyvern.proto.v1.PinnedObject;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.RawTracepoint;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.proto.v1.Uprobe;
import dev.gewyvern.syscall.link.Links;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One session with a program of every attach kind this machine allows (testdata/src/attachkinds.bpf.c),
 * applied through the engine: each event is caused, each count read from the session's map, and after
 * detach every link the session made is gone from the kernel.
 */
class AttachKindsKernelTest {
    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Engine engine;
    private Path cgroup;
    private String nsA;
    private String nsB;
    private String devB;

    @BeforeEach
    void setUp() throws Exception {
        KernelTestSupport.requireBpf();
        // these kinds can drop packets or deny operations: a local user applies them with --allow-risky
        engine = Engine.start(root, "AttachKindsKernelTest", RiskPolicy.fromLocalCommandLine(true));
        String tag = Long.toString(ProcessHandle.current().pid() % 100000, 36) + Long.toString(System.nanoTime() % 1000000, 36);
        cgroup = KernelTestSupport.cgroup2().resolve("gwa-" + tag);
        Files.createDirectory(cgroup);
        nsA = "gwa" + tag + "a";
        nsB = "gwa" + tag + "b";
        devB = "gwa" + tag + "y";
        run("ip", "netns", "add", nsA);
        run("ip", "netns", "add", nsB);
        run("ip", "-n", nsA, "link", "add", "gwa" + tag + "x", "type", "veth", "peer", "name", devB, "netns", nsB);
        run("ip", "-n", nsA, "addr", "add", "10.199.1.1/24", "dev", "gwa" + tag + "x");
        run("ip", "-n", nsB, "addr", "add", "10.199.1.2/24", "dev", devB);
        run("ip", "-n", nsA, "link", "set", "gwa" + tag + "x", "up");
        run("ip", "-n", nsB, "link", "set", devB, "up");
        // receive packet steering makes b hash (flow-dissect) every packet it receives
        run("ip", "netns", "exec", nsB, "bash", "-c", "echo 1 > /sys/class/net/" + devB + "/queues/rx-0/rps_cpus");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (engine != null) {
            engine.close();
        }
        TestCommands.deleteNetns(nsA);
        TestCommands.deleteNetns(nsB);
        if (cgroup != null) {
            Files.deleteIfExists(cgroup);
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        return TestCommands.run(cmd);
    }

    private static Program prog(String name, AttachTarget.Builder target) {
        return Program.newBuilder().setObject("attachkinds").setName(name).setAttach(target).build();
    }

    @Test
    void everyKindCountsItsEventAndDetachRemovesEveryLink(@org.junit.jupiter.api.io.TempDir Path tmp,
                                                          org.junit.jupiter.api.TestReporter reporter) throws Exception {
        String netnsB = "/run/netns/" + nsB;
        Path bin = TestCommands.uprobeTarget(tmp);
        // program, the capability report's attach kind, target; a program's slot in counts is its index here
        Object[][] all = {
            {"count_raw_tp", "raw_tp", AttachTarget.newBuilder()
                    .setRawTracepoint(RawTracepoint.newBuilder().setName("sched_process_exec"))},
            {"count_tp_btf", "tp_btf", AttachTarget.newBuilder()
                    .setBtfTracepoint(BtfTracepoint.newBuilder().setName("sched_process_exec"))},
            {"count_perf", "perf_event", AttachTarget.newBuilder()
                    .setPerfEvent(PerfEvent.newBuilder().setSoftware("cpu-clock").setCpu(0))},
            {"count_connect4", "cgroup_sock_addr", AttachTarget.newBuilder()
                    .setCgroup(Cgroup.newBuilder().setPath(cgroup.toString()))},
            {"count_egress", "cgroup_skb", AttachTarget.newBuilder()
                    .setCgroup(Cgroup.newBuilder().setPath(cgroup.toString()))},
            {"count_xdp", "xdp", AttachTarget.newBuilder()
                    .setNetdev(NetworkInterface.newBuilder().setName(devB).setNetns(netnsB))},
            {"count_tcx", "tcx", AttachTarget.newBuilder()
                    .setNetdev(NetworkInterface.newBuilder().setName(devB).setNetns(netnsB))},
            {"count_sk_lookup", "sk_lookup", AttachTarget.newBuilder()
                    .setNetns(NetworkNamespace.newBuilder().setPath(netnsB))},
            {"count_flow", "flow_dissector", AttachTarget.newBuilder()
                    .setNetns(NetworkNamespace.newBuilder().setPath(netnsB))},
            {"count_uprobe", "uprobe", AttachTarget.newBuilder()
                    .setUprobe(Uprobe.newBuilder().setBinary(bin.toString()).setSymbol("gew_uprobe_target"))},
            {"count_uretprobe", "uretprobe", AttachTarget.newBuilder()
                    .setUprobe(Uprobe.newBuilder().setBinary(bin.toString()).setSymbol("gew_uprobe_target"))},
            {"count_netfilter", "netfilter", AttachTarget.newBuilder()
                    .setNetfilter(NetfilterHook.newBuilder().setFamily("ipv4").setHook("local_in").setPriority(100)
                            .setNetns(netnsB))},
            {"list_tasks", "iter", AttachTarget.newBuilder()
                    .setIter(dev.gewyvern.proto.v1.Iterator.newBuilder().setTarget("task"))},
            {"count_sysctl", "cgroup_sysctl", AttachTarget.newBuilder()
                    .setCgroup(Cgroup.newBuilder().setPath(cgroup.toString()))},
            {"count_dev", "cgroup_dev", AttachTarget.newBuilder()
                    .setCgroup(Cgroup.newBuilder().setPath(cgroup.toString()))},
        };
        // what the capability report calls supported goes into one session; each kind it does not is refused
        // before any kernel call, with the report's reason
        dev.gewyvern.syscall.probes.Capabilities caps = dev.gewyvern.syscall.probes.Capabilities.withoutHelpers();
        BpfObject object = BpfObject.newBuilder().setId("attachkinds")
                .setPath(KernelTestSupport.testdata("obj/attachkinds.bpf.o").toString()).build();
        Pipeline.Builder builder = Pipeline.newBuilder().setName("attachkinds").addObjects(object);
        java.util.Set<String> attached = new java.util.LinkedHashSet<>();
        Map<String, String> refused = new LinkedHashMap<>();
        for (Object[] k : all) {
            Program p = prog((String) k[0], (AttachTarget.Builder) k[2]);
            dev.gewyvern.syscall.probes.Support s = caps.support(dev.gewyvern.syscall.probes.Capability.Category.ATTACH_KIND,
                    (String) k[1]);
            if (s.isSupported()) {
                builder.addPrograms(p);
                attached.add((String) k[0]);
                continue;
            }
            Pipeline alone = Pipeline.newBuilder().setName("attachkinds").addObjects(object).addPrograms(p).build();
            SessionException e = org.junit.jupiter.api.Assertions.assertThrows(SessionException.class,
                    () -> engine.apply(alone, ev -> { }, 1));
            assertEquals(Step.COMPATIBILITY, e.step(), e.getMessage());
            assertEquals(SessionException.Kind.UNSUPPORTED, e.kind(), e.getMessage());
            assertEquals(Requirement.Level.NOT_SUPPORTED, e.requirement().level(), e.getMessage());
            Requirement r = e.requirement();
            if (r.kind().equals("attach kind")) {
                assertEquals(s.toString(), r.reason(), k[1] + ": the report's reason");
            } else {
                // a load-level requirement of the kind refused first (its expected attach type or program type
                // is not in the kernel's BTF), where the report calls the kind absent too
                assertEquals(Requirement.Basis.KERNEL, r.basis(), k[1] + ": " + r);
                assertEquals(dev.gewyvern.syscall.probes.Support.Why.ABSENT, r.why(), k[1] + ": " + r);
                assertTrue(s instanceof dev.gewyvern.syscall.probes.Support.NotSupported n
                        && n.why() == dev.gewyvern.syscall.probes.Support.Why.ABSENT, k[1] + ": the report says " + s);
            }
            refused.put((String) k[1], r.reason());
        }
        Pipeline pipeline = builder.build();
        List<String> events = new java.util.ArrayList<>();
        SessionRecord rec = engine.apply(pipeline, ev -> events.add(ev.step().word() + " " + ev.text()), 1);
        assertEquals(Phase.COMMITTED, rec.getPhase(), events.toString());
        if (attached.contains("count_xdp")) {
            assertTrue(events.contains("attach program count_xdp -> xdp:" + devB + "@" + netnsB), events.toString());
        }

        for (int i = 0; i < 3; i++) {
            run("/bin/true");
        }
        run(bin.toString(), "4");
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            run("bash", "-c", "echo $$ > " + cgroup.resolve("cgroup.procs") + " && exec 3<>/dev/tcp/127.0.0.1/"
                    + server.getLocalPort() + " && echo hello >&3 && read -r t < /proc/sys/kernel/ostype"
                    + " && head -c1 /dev/zero > /dev/null");
        }
        run("ip", "netns", "exec", nsA, "bash", "-c",
                "for i in 1 2 3; do echo gew > /dev/udp/10.199.1.2/9; done; exec 3<>/dev/tcp/10.199.1.2/7 || true");
        Thread.sleep(100);
        // the pinned iterator link is a file: each read runs the program once per task
        String tasks = "";
        if (attached.contains("list_tasks")) {
            Path iterPin = root.session(engine.instanceId(), rec.getSessionId()).resolve("links").resolve("list_tasks");
            tasks = Files.readString(iterPin);
            assertTrue(tasks.startsWith("task\n") && tasks.split("\n").length >= 3, "iterator output: " + tasks);
        }

        Map<String, Long> counts = new LinkedHashMap<>();
        SessionDetail view = engine.show(rec.getSessionId(), 100);
        Map<String, LinkDetail> linkViews = new LinkedHashMap<>();
        for (LinkDetail l : view.getLinksList()) {
            linkViews.put(l.getName(), l);
        }
        assertEquals(attached, linkViews.keySet(), view.getLinksList().toString());
        int ifindex = Integer.parseInt(run("ip", "-n", nsB, "-o", "link", "show", "dev", devB).split(":")[0].trim());
        if (attached.contains("count_xdp")) {
            assertEquals("xdp", linkViews.get("count_xdp").getType());
            assertEquals("ifindex " + ifindex, linkViews.get("count_xdp").getTarget());
        }
        if (attached.contains("count_tcx")) {
            assertEquals("tcx", linkViews.get("count_tcx").getType());
        }
        if (attached.contains("count_connect4")) {
            assertEquals("cgroup", linkViews.get("count_connect4").getType());
            assertEquals("cgroup id " + Files.getAttribute(cgroup, "unix:ino") + ", attach type cgroup_inet4_connect",
                    linkViews.get("count_connect4").getTarget());
        }
        if (attached.contains("count_sk_lookup")) {
            assertTrue(linkViews.get("count_sk_lookup").getTarget().endsWith("attach type sk_lookup"),
                    linkViews.get("count_sk_lookup").getTarget());
            assertEquals("netns", linkViews.get("count_sk_lookup").getType());
        }
        if (attached.contains("count_raw_tp")) {
            assertEquals("raw_tracepoint", linkViews.get("count_raw_tp").getType());
        }
        if (attached.contains("list_tasks")) {
            assertEquals("iter", linkViews.get("list_tasks").getType());
        }
        int countsId = view.getMapsList().stream().filter(m -> m.getName().equals("counts")).findFirst().orElseThrow().getId();
        for (ProgramDetail pv : view.getProgramsList()) {
            assertEquals(List.of(countsId), pv.getMapIdsList(), pv.getName() + " uses the counts map and no other");
            assertEquals(pv.getId(), view.getLinksList().stream().filter(l -> l.getName().equals(pv.getName())).findFirst()
                    .orElseThrow().getProgId(), pv.getName() + "'s link holds it");
        }
        MapContents map = view.getMapsList().stream().filter(m -> m.getName().equals("counts")).findFirst().orElseThrow();
        for (MapEntry e : map.getEntriesList()) {
            counts.put(e.getKeyText(), Long.parseLong(e.getValueText()));
        }
        for (int slot = 0; slot < all.length; slot++) {
            long n = counts.getOrDefault(Integer.toString(slot), 0L);
            if (attached.contains((String) all[slot][0])) {
                assertTrue(n >= 1, all[slot][1] + " (slot " + slot + ") counted nothing: " + counts);
            } else {
                assertEquals(0L, n, all[slot][1] + " (slot " + slot + ") was not attached: " + counts);
            }
        }
        if (attached.contains("count_raw_tp") && attached.contains("count_tp_btf")) {
            assertTrue(counts.get("0") >= 3 && counts.get("1") >= 3, "execs: " + counts);
        }
        if (attached.contains("count_uprobe") && attached.contains("count_uretprobe")) {
            assertEquals(4L, counts.get("9"), "calls of gew_uprobe_target: " + counts);
            assertEquals(4L, counts.get("10"), "returns of gew_uprobe_target: " + counts);
        }

        List<Integer> links = rec.getObjectsList().stream().filter(o -> o.getKind() == PinnedObject.Kind.LINK)
                .map(PinnedObject::getKernelId).toList();
        assertEquals(attached.size(), links.size(), rec.getObjectsList().toString());
        if (attached.contains("list_tasks")) {
            assertEquals((long) tasks.split("\n").length, counts.get("12"), "one run per task line: " + counts);
        }
        for (int id : links) {
            assertTrue(Links.exists(id), "link " + id + " exists while the session lives");
        }
        engine.detach(rec.getSessionId());
        for (int id : links) {
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (Links.exists(id) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(Links.exists(id), "link " + id + " is gone after detach");
        }
        for (Object[] k : all) {
            TracingKindsKernelTest.published(reporter, (String) k[1], attached.contains((String) k[0])
                    ? "attached, ran, detached" : "refused before the kernel, " + refused.get((String) k[1]));
        }
    }

    @Test
    void aTargetThatDoesNotFitTheSectionIsRefusedAndRolledBack() {
        Pipeline pipeline = Pipeline.newBuilder().setName("mismatch")
                .addObjects(BpfObject.newBuilder().setId("attachkinds")
                        .setPath(KernelTestSupport.testdata("obj/attachkinds.bpf.o").toString()))
                .addPrograms(prog("count_xdp", AttachTarget.newBuilder()
                        .setCgroup(Cgroup.newBuilder().setPath(cgroup.toString()))))
                .build();
        SessionException e = org.junit.jupiter.api.Assertions.assertThrows(SessionException.class,
                () -> engine.apply(pipeline, ev -> { }, 1));
        assertTrue(e.getMessage().contains("program 'count_xdp' is a BPF_PROG_TYPE_XDP program (section 'xdp'); "
                + "a cgroup target needs a cgroup_skb/ingress|egress or cgroup/<hook> section"), e.getMessage());
        assertTrue(engine.list().getSessionsList().stream().noneMatch(s -> s.getRecord().getInstanceId().equals(engine.instanceId())),
                "nothing committed");
    }

    /** Programs named count_raw_tp that bpftool sees linked right now (tests may look; the runtime never does). */
    private static long rawTpLinksOfOurProgram() throws Exception {
        String links = run("bpftool", "link", "show");
        String progs = run("bpftool", "prog", "show");
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (String line : progs.split("\n")) {
            if (line.contains(" name count_raw_tp ")) {
                ids.add(line.substring(0, line.indexOf(':')).trim());
            }
        }
        long n = 0;
        for (String line : links.split("\n")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("raw_tracepoint\\s+prog (\\d+)").matcher(line);
            if (m.find() && ids.contains(m.group(1))) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aFailedAttachRollsBackTheLinksAlreadyMade() throws Exception {
        long before = rawTpLinksOfOurProgram();
        Pipeline pipeline = Pipeline.newBuilder().setName("rollback")
                .addObjects(BpfObject.newBuilder().setId("attachkinds")
                        .setPath(KernelTestSupport.testdata("obj/attachkinds.bpf.o").toString()))
                .addPrograms(prog("count_raw_tp", AttachTarget.newBuilder()
                        .setRawTracepoint(RawTracepoint.newBuilder().setName("sched_process_exec"))))
                .addPrograms(prog("count_xdp", AttachTarget.newBuilder()
                        .setNetdev(NetworkInterface.newBuilder().setName("gwa-missing0").setNetns("/run/netns/" + nsB))))
                .build();
        List<String> events = new java.util.ArrayList<>();
        SessionException e = org.junit.jupiter.api.Assertions.assertThrows(SessionException.class,
                () -> engine.apply(pipeline, ev -> events.add(ev.step().word() + " " + ev.text()), 1));
        assertTrue(e.getMessage().contains("no network interface 'gwa-missing0'"), e.getMessage());
        assertTrue(events.contains("attach program count_raw_tp -> raw_tp:sched_process_exec"), events.toString());
        assertTrue(events.stream().anyMatch(m -> m.startsWith("rollback ")), events.toString());
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (rawTpLinksOfOurProgram() > before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(before, rawTpLinksOfOurProgram(), "the raw_tp link made before the failure is gone");
    }
}
