package dev.gewyvern.syscall.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.gewyvern.elf.uapi.AttachType;
import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.syscall.Asm;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.Kernel;
import dev.gewyvern.syscall.KernelTestSupport;
import dev.gewyvern.syscall.VethPair;
import dev.gewyvern.syscall.attr.AttrLayoutKernelTest;
import dev.gewyvern.syscall.attr.MapCreateAttr;
import dev.gewyvern.syscall.attr.NativeArg;
import dev.gewyvern.syscall.attr.PerfEventAttr;
import dev.gewyvern.syscall.attr.ProgLoadAttr;
import dev.gewyvern.syscall.kernel.KernelTypes;
import dev.gewyvern.syscall.probes.Capabilities;
import dev.gewyvern.syscall.probes.Capability;
import dev.gewyvern.syscall.probes.Support;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each attach kind, decided by gew's own capability report on the kernel the test runs on. A kind the
 * report calls supported is done for real: load a program that counts its runs into a map, link it,
 * cause the event, read the count, close the link, and check the link is gone from the kernel and the
 * count stops. A kind the report calls not supported must be refused by the kernel too, when this layer
 * (which asks no report: that is the session engine's part, whose tests check the refusal comes before
 * any kernel call) tries it anyway: the report's "no" is held to the kernel's.
 */
class LinkKindsKernelTest {
    private final List<Fd> fds = new ArrayList<>();
    private Fd counter;

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
        counter = keep(Bpf.createMap(MapCreateAttr.of(MapType.ARRAY, 4, 8, 1).withName("gew_t_links")));
    }

    @AfterEach
    void tearDown() {
        for (int i = fds.size() - 1; i >= 0; i--) {
            fds.get(i).close();
        }
    }

    private Fd keep(Fd fd) {
        fds.add(fd);
        return fd;
    }

    static int progType(String name) {
        Integer t = KernelTypes.running().programTypes().get(name);
        if (t == null) {
            throw new BpfException("program type " + name, Errno.EINVAL, "this kernel's enum bpf_prog_type has no "
                    + name, null);
        }
        return t;
    }

    interface Attach {
        Fd run() throws Exception;
    }

    /**
     * Whether the capability report calls {@code kind} supported. When it does not, the kernel must agree:
     * {@code attach} (the test's own load and link) has to fail, and the test ends there.
     */
    private boolean supported(String kind, Attach attach) throws Exception {
        Support s = Capabilities.withoutHelpers().support(Capability.Category.ATTACH_KIND, kind);
        if (s.isSupported()) {
            return true;
        }
        assertTrue(s instanceof Support.NotSupported, kind + ": the report gives no answer: " + s);
        try {
            Fd link = keep(attach.run());
            fail(kind + ": the report says " + s + ", but the kernel made link " + Bpf.linkInfo(link).id());
        } catch (BpfException refused) {
            // the kernel refuses what the report refuses
        }
        return false;
    }

    /** Adds one to counter[0] on every run and returns {@code ret}. */
    private Fd counting(String progType, String expectedAttach, int attachBtfId, int ret) {
        byte[] insns = new Asm()
                .stW(10, -4, 0)
                .movReg(2, 10).addImm(2, -4)
                .ldMapFd(1, counter.value())
                .call(1)
                .jeqImm(0, 0, 2)
                .movImm(1, 1)
                .atomicAdd64(0, 1, 0)
                .movImm(0, ret).exit()
                .bytes();
        int expected = expectedAttach == null ? 0 : AttachType.named(expectedAttach).orElseThrow().value();
        return keep(Bpf.loadProgram(ProgLoadAttr.of(progType(progType), new NativeArg.In(insns), "GPL",
                "gew_t_" + progType.substring(0, Math.min(9, progType.length()))).withExpectedAttachType(expected)
                .withAttachBtf(attachBtfId, 0), 1).fd());
    }

    private long count() {
        byte[] v = Bpf.lookup(counter, new byte[4], 8);
        return ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getLong();
    }

    private static void exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ":\n" + out);
    }

    private static void execs(int n) throws IOException, InterruptedException {
        for (int i = 0; i < n; i++) {
            exec("/bin/true");
        }
    }

    /** Closes the link and checks the kernel has dropped it and the program no longer runs on the event. */
    private void detachAndCheckGone(Fd link, Trigger trigger) throws Exception {
        int id = Bpf.linkInfo(link).id();
        assertTrue(Links.exists(id), "link " + id + " exists while attached");
        link.close();
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (Links.exists(id) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(Links.exists(id), "link " + id + " is gone once closed");
        trigger.run();
        long after = count();
        trigger.run();
        assertEquals(after, count(), "the program no longer runs once its link is gone");
    }

    interface Trigger {
        void run() throws Exception;
    }

    @Test
    void rawTracepoint() throws Exception {
        Attach attach = () -> Links.rawTracepoint(counting("raw_tracepoint", null, 0, 0), "sched_process_exec", 0);
        if (!supported("raw_tp", attach)) {
            return;
        }
        Fd link = keep(attach.run());
        execs(3);
        assertTrue(count() >= 3, "execs seen by raw_tp sched_process_exec: " + count());
        detachAndCheckGone(link, () -> execs(2));
    }

    @Test
    void btfTracepoint() throws Exception {
        Attach attach = () -> {
            int target = KernelTypes.running().typedef("btf_trace_sched_process_exec");
            assertTrue(target > 0, "kernel BTF has no btf_trace_sched_process_exec");
            return Links.tracing(counting("tracing", "BPF_TRACE_RAW_TP", target, 0), "tp_btf/sched_process_exec");
        };
        if (!supported("tp_btf", attach)) {
            return;
        }
        Fd link = keep(attach.run());
        execs(3);
        assertTrue(count() >= 3, "execs seen by tp_btf sched_process_exec: " + count());
        detachAndCheckGone(link, () -> execs(2));
    }

    @Test
    void softwarePerfEvent() throws Exception {
        int cpuClock = (int) AttrLayoutKernelTest.enumValue(KernelTestSupport.vmlinux(), "perf_sw_ids",
                "PERF_COUNT_SW_CPU_CLOCK");
        // cpu-clock on CPU 0, every millisecond: it fires whatever runs there
        Attach attach = () -> Links.perfEvent(counting("perf_event", null, 0, 0),
                new PerfEventAttr(PerfEventAttr.PERF_TYPE_SOFTWARE, cpuClock, 1_000_000, 1), -1, 0, 0);
        if (!supported("perf_event", attach)) {
            return;
        }
        Fd link = keep(attach.run());
        Thread.sleep(200);
        assertTrue(count() >= 10, "cpu-clock samples in 200 ms: " + count());
        detachAndCheckGone(link, () -> Thread.sleep(100));
    }

    @Test
    void taskIterator() throws Exception {
        Attach attach = () -> {
            int target = KernelTypes.running().function("bpf_iter_task");
            assertTrue(target > 0, "kernel BTF has no bpf_iter_task");
            return Links.iter(counting("tracing", "BPF_TRACE_ITER", target, 0), "task");
        };
        if (!supported("iter", attach)) {
            return;
        }
        Fd link = keep(attach.run());
        Links.readIterator(link, 1 << 20);
        long tasks = count();
        // one run per task and a last one with no task: at least this JVM's threads and pid 1
        assertTrue(tasks >= 3, "iterator runs: " + tasks);
        Links.readIterator(link, 1 << 20);
        assertTrue(count() >= 2 * tasks - 50, "a second read runs the iterator again: " + count());
        detachAndCheckGone(link, () -> { });
    }

    @Test
    void cgroupSockAddrConnect() throws Exception {
        Path cg = KernelTestSupport.cgroup2().resolve("gwa-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectory(cg);
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Attach attach = () -> Links.cgroup(counting("cgroup_sock_addr", "BPF_CGROUP_INET4_CONNECT", 0, 1), cg,
                    AttachType.CGROUP_INET4_CONNECT);
            if (!supported("cgroup_sock_addr", attach)) {
                return;
            }
            Fd link = keep(attach.run());
            Trigger connect = () -> exec("bash", "-c", "echo $$ > " + cg.resolve("cgroup.procs")
                    + " && exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort());
            connect.run();
            connect.run();
            assertEquals(2, count(), "connect() calls from the test's cgroup");
            // a connect from outside the cgroup is not counted
            exec("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort());
            assertEquals(2, count());
            detachAndCheckGone(link, connect);
        } finally {
            Files.delete(cg);
        }
    }

    @Test
    void cgroupSkbEgress() throws Exception {
        Path cg = KernelTestSupport.cgroup2().resolve("gwa-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectory(cg);
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Attach attach = () -> Links.cgroup(counting("cgroup_skb", "BPF_CGROUP_INET_EGRESS", 0, 1), cg,
                    AttachType.CGROUP_INET_EGRESS);
            if (!supported("cgroup_skb", attach)) {
                return;
            }
            Fd link = keep(attach.run());
            Trigger send = () -> exec("bash", "-c", "echo $$ > " + cg.resolve("cgroup.procs")
                    + " && exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + " && echo hello >&3");
            send.run();
            assertTrue(count() >= 2, "packets sent from the test's cgroup: " + count());
            detachAndCheckGone(link, send);
        } finally {
            Files.delete(cg);
        }
    }

    @Test
    void xdpOnAVethInANamespace() throws Exception {
        try (VethPair net = new VethPair()) {
            int ifindex = net.ifindex(net.b, net.bDev);
            Attach attach = () -> Kernel.get().inNetns(net.netns(net.b).toString(),
                    () -> Links.netdev(counting("xdp", "BPF_XDP", 0, 2), ifindex, AttachType.XDP)); // XDP_PASS
            if (!supported("xdp", attach)) {
                return;
            }
            Fd link = keep(attach.run());
            net.udpAtoB(3);
            assertTrue(count() >= 3, "packets seen by XDP on " + net.bDev + ": " + count());
            detachAndCheckGone(link, () -> net.udpAtoB(2));
        }
    }

    @Test
    void tcxIngressOnAVethInANamespace() throws Exception {
        try (VethPair net = new VethPair()) {
            int ifindex = net.ifindex(net.b, net.bDev);
            Attach attach = () -> Kernel.get().inNetns(net.netns(net.b).toString(),
                    () -> Links.netdev(counting("sched_cls", null, 0, -1), ifindex, AttachType.TCX_INGRESS)); // TCX_NEXT
            if (!supported("tcx", attach)) {
                return;
            }
            Fd link = keep(attach.run());
            net.udpAtoB(3);
            assertTrue(count() >= 3, "packets seen by tcx ingress on " + net.bDev + ": " + count());
            detachAndCheckGone(link, () -> net.udpAtoB(2));
        }
    }

    @Test
    void skLookupInANamespace() throws Exception {
        try (VethPair net = new VethPair()) {
            Attach attach = () -> Links.netns(counting("sk_lookup", "BPF_SK_LOOKUP", 0, 1), net.netns(net.b),
                    AttachType.SK_LOOKUP); // SK_PASS
            if (!supported("sk_lookup", attach)) {
                return;
            }
            Fd link = keep(attach.run());
            Trigger connect = () -> net.sh(net.a, "exec 3<>/dev/tcp/" + VethPair.B_ADDR + "/7 || true");
            connect.run();
            assertTrue(count() >= 1, "socket lookups in " + net.b + ": " + count());
            detachAndCheckGone(link, connect);
        }
    }

    @Test
    void flowDissectorInANamespace() throws Exception {
        try (VethPair net = new VethPair()) {
            Attach attach = () -> Links.netns(counting("flow_dissector", "BPF_FLOW_DISSECTOR", 0, 0), net.netns(net.b),
                    AttachType.FLOW_DISSECTOR); // BPF_OK
            if (!supported("flow_dissector", attach)) {
                return;
            }
            // receive packet steering hashes every packet b receives, through the namespace's flow dissector
            net.sh(net.b, "echo 1 > /sys/class/net/" + net.bDev + "/queues/rx-0/rps_cpus");
            Fd link = keep(attach.run());
            net.udpAtoB(3);
            // not every datagram is dissected again on every kernel (one that carries its socket's flow hash
            // may skip it): at least one packet b receives goes through the program
            assertTrue(count() >= 1, "packets dissected in " + net.b + ": " + count());
            detachAndCheckGone(link, () -> net.udpAtoB(2));
        }
    }

    @Test
    void netfilterLocalInInANamespace() throws Exception {
        try (VethPair net = new VethPair()) {
            net.udpAtoB(1); // resolve b's address first, so no datagram waits in the neighbour queue
            Attach attach = () -> {
                int ipv4 = 2; // NFPROTO_IPV4: an anonymous enum in the kernel's BTF
                int localIn = (int) AttrLayoutKernelTest.enumValue(KernelTestSupport.vmlinux(), "nf_inet_hooks",
                        "NF_INET_LOCAL_IN");
                Fd prog = counting("netfilter", "BPF_NETFILTER", 0, 1); // NF_ACCEPT
                return Kernel.get().inNetns(net.netns(net.b).toString(), () -> Links.netfilter(prog, ipv4, localIn, 100));
            };
            if (!supported("netfilter", attach)) {
                return;
            }
            Fd link = keep(attach.run());
            net.udpAtoB(3);
            assertTrue(count() >= 3, "IPv4 packets delivered locally in " + net.b + ": " + count());
            detachAndCheckGone(link, () -> net.udpAtoB(2));
        }
    }

    /** testdata/uprobe/target.c compiled for this host into {@code dir}; a missing compiler fails under CI. */
    static Path uprobeTarget(Path dir) throws Exception {
        Path src = Path.of(System.getProperty("user.dir")).getParent().resolve("testdata/uprobe/target.c");
        Path bin = dir.resolve("gew_uprobe_target");
        Process p;
        try {
            p = new ProcessBuilder("clang-19", "-O1", "-g0", "-o", bin.toString(), src.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            if (KernelTestSupport.ci()) {
                throw new AssertionError("CI=true but clang-19 is missing: " + e.getMessage());
            }
            org.junit.jupiter.api.Assumptions.abort("clang-19 is missing: " + e.getMessage());
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "clang-19 " + src + ":\n" + out);
        return bin;
    }

    @Test
    void uprobeOnASymbolOfOurOwnBinary(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path bin = uprobeTarget(dir);
        Attach attach = () -> Links.uprobe(counting("kprobe", null, 0, 0), bin, "gew_uprobe_target", false);
        if (!supported("uprobe", attach)) {
            return;
        }
        Fd link = keep(attach.run());
        exec(bin.toString(), "5");
        assertEquals(5, count(), "calls of gew_uprobe_target seen by the uprobe");
        detachAndCheckGone(link, () -> exec(bin.toString(), "2"));
    }

    @Test
    void uretprobeAndAMissingSymbol(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path bin = uprobeTarget(dir);
        Attach attach = () -> Links.uprobe(counting("kprobe", null, 0, 0), bin, "gew_uprobe_target", true);
        if (!supported("uretprobe", attach)) {
            return;
        }
        Fd link = keep(attach.run());
        exec(bin.toString(), "3");
        assertEquals(3, count(), "returns of gew_uprobe_target seen by the uretprobe");
        detachAndCheckGone(link, () -> exec(bin.toString(), "1"));
        Fd prog = counting("kprobe", null, 0, 0);
        BpfException e = org.junit.jupiter.api.Assertions.assertThrows(BpfException.class,
                () -> Links.uprobe(prog, bin, "no_such_function", false));
        assertTrue(e.getMessage().contains("the binary defines no function no_such_function"), e.getMessage());
    }

    @Test
    void uprobeMultiOnTwoSymbolsWithOneLink(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path bin = uprobeTarget(dir);
        Attach attach = () -> Links.uprobeMulti(counting("kprobe", "BPF_TRACE_UPROBE_MULTI", 0, 0),
                UprobeTargets.of(bin, List.of("gew_uprobe_target", "gew_uprobe_other")), ProbeMode.ENTRY);
        if (!supported("uprobe.multi", attach)) {
            return;
        }
        Fd link = keep(attach.run());
        exec(bin.toString(), "3");
        assertEquals(6, count(), "calls of both functions seen through one uprobe.multi link");
        detachAndCheckGone(link, () -> exec(bin.toString(), "1"));
    }
}
