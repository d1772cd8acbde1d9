package dev.gewyvern.session;

import static dev.gewyvern.session.TestCommands.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.gewyvern.proto.v1.LinkDetail;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.Cgroup;
import dev.gewyvern.proto.v1.Phase;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Fd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cgroup hooks attachkinds leaves out (cgroup_skb/ingress, cgroup/sock_create, cgroup/sock_release,
 * cgroup/setsockopt, cgroup/getsockopt: testdata/src/cgroupkinds.bpf.c), applied as one session on a cgroup
 * v2 folder the test creates. A perl process moved into that cgroup, in a network namespace of the test,
 * makes two UDP sockets, sets an option twice, reads it once and sends three datagrams across loopback;
 * each count must be exactly that. After detach every link is gone and the counts stop.
 */
class CgroupKindsKernelTest {
    /** Two sockets, two setsockopt(), one getsockopt(), three datagrams received on loopback. */
    private static final String SOCKETS = String.join("\n",
            "use Socket;",
            "socket(my $r, PF_INET, SOCK_DGRAM, 0) or die \"socket: $!\";",
            "bind($r, pack_sockaddr_in(0, inet_aton('127.0.0.1'))) or die \"bind: $!\";",
            "my ($port) = unpack_sockaddr_in(getsockname($r));",
            "socket(my $s, PF_INET, SOCK_DGRAM, 0) or die \"socket: $!\";",
            "setsockopt($s, SOL_SOCKET, SO_SNDBUF, 65536) or die \"setsockopt: $!\";",
            "setsockopt($s, SOL_SOCKET, SO_SNDBUF, 131072) or die \"setsockopt: $!\";",
            "defined(getsockopt($s, SOL_SOCKET, SO_SNDBUF)) or die \"getsockopt: $!\";",
            "for (1 .. 3) {",
            "  send($s, 'gew', 0, pack_sockaddr_in($port, inet_aton('127.0.0.1'))) or die \"send: $!\";",
            "  defined(recv($r, my $buf, 16, 0)) or die \"recv: $!\";",
            "}",
            "close($s); close($r);");
    private static final String[] SLOTS = {"count_ingress", "count_sock_create", "count_sock_release",
        "count_setsockopt", "count_getsockopt"};

    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Engine engine;
    private Path cgroup;
    private String netns;

    @BeforeEach
    void setUp() throws Exception {
        KernelTestSupport.requireBpf();
        // cgroup_skb and sockopt programs can deny traffic and options: a local user applies them with --allow-risky
        engine = Engine.start(root, "CgroupKindsKernelTest", RiskPolicy.fromLocalCommandLine(true));
        String tag = Long.toString(ProcessHandle.current().pid() % 100000, 36) + Long.toString(System.nanoTime() % 1000000, 36);
        cgroup = KernelTestSupport.cgroup2().resolve("gwc-" + tag);
        Files.createDirectory(cgroup);
        netns = "gwc" + tag;
        run("ip", "netns", "add", netns);
        run("ip", "-n", netns, "link", "set", "lo", "up");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (engine != null) {
            engine.close();
        }
        TestCommands.deleteNetns(netns);
        if (cgroup != null) {
            Files.deleteIfExists(cgroup);
        }
    }

    /**
     * The perl script, run by a shell that first moves itself into the test's cgroup and then enters the test's
     * netns with nsenter (not `ip netns exec`, which would hide the cgroup behind the namespace's own /sys and
     * make netlink setsockopt() calls of its own in the cgroup).
     */
    private void socketsInTheCgroup() throws Exception {
        run("bash", "-c", "echo $$ > " + cgroup.resolve("cgroup.procs") + " && exec nsenter --net=/run/netns/"
                + netns + " perl -e \"$0\"", SOCKETS);
    }

    @Test
    void eachCgroupHookCountsExactlyItsEventsAndDetachRemovesEveryLink() throws Exception {
        Pipeline.Builder pipeline = Pipeline.newBuilder().setName("cgroupkinds")
                .addObjects(BpfObject.newBuilder().setId("cgroupkinds")
                        .setPath(KernelTestSupport.testdata("obj/cgroupkinds.bpf.o").toString()));
        for (String name : SLOTS) {
            pipeline.addPrograms(Program.newBuilder().setObject("cgroupkinds").setName(name).setAttach(
                    AttachTarget.newBuilder().setCgroup(Cgroup.newBuilder().setPath(cgroup.toString()))));
        }
        List<String> events = new java.util.ArrayList<>();
        SessionRecord rec = engine.apply(pipeline.build(), ev -> events.add(ev.step().word() + " " + ev.text()), 1);
        assertEquals(Phase.COMMITTED, rec.getPhase(), events.toString());
        assertTrue(events.contains("attach program count_sock_create -> cgroup:" + cgroup + " (inet_sock_create)"),
                events.toString());
        assertTrue(events.contains("attach program count_getsockopt -> cgroup:" + cgroup + " (getsockopt)"),
                events.toString());

        Path mapPin = root.session(engine.instanceId(), rec.getSessionId()).resolve(PinRoot.MAPS)
                .resolve("cgroup_counts");
        // held open by the test, the map outlives the session: the counts after detach can be read
        try (Fd map = Bpf.get(mapPin.toString(), "map")) {
            assertEquals(List.of(0L, 0L, 0L, 0L, 0L), ArrayCounts.read(map, SLOTS.length), "nothing counted before the event");
            socketsInTheCgroup();
            assertEquals(List.of(3L, 2L, 2L, 2L, 1L), ArrayCounts.read(map, SLOTS.length),
                    "ingress datagrams, sockets created, sockets released, setsockopt(), getsockopt() in the cgroup");

            // the same script outside the cgroup is not counted
            run("ip", "netns", "exec", netns, "perl", "-e", SOCKETS);
            assertEquals(List.of(3L, 2L, 2L, 2L, 1L), ArrayCounts.read(map, SLOTS.length), "events outside the cgroup");

            Map<String, LinkDetail> links = new LinkedHashMap<>();
            for (LinkDetail l : engine.show(rec.getSessionId(), 10).getLinksList()) {
                links.put(l.getName(), l);
            }
            long cgroupId = (Long) Files.getAttribute(cgroup, "unix:ino");
            Map<String, String> attachTypes = Map.of("count_ingress", "cgroup_inet_ingress",
                    "count_sock_create", "cgroup_inet_sock_create", "count_sock_release", "cgroup_inet_sock_release",
                    "count_setsockopt", "cgroup_setsockopt", "count_getsockopt", "cgroup_getsockopt");
            for (String name : SLOTS) {
                assertEquals("cgroup", links.get(name).getType(), name);
                assertEquals("cgroup id " + cgroupId + ", attach type " + attachTypes.get(name),
                        links.get(name).getTarget(), name);
            }

            SessionLinks.detachAndCheckGone(engine, rec, SLOTS.length);
            socketsInTheCgroup();
            assertEquals(List.of(3L, 2L, 2L, 2L, 1L), ArrayCounts.read(map, SLOTS.length), "nothing counted after detach");
        }
    }
}
