package dev.gewyvern.session;

import dev.gewyvern.proto.v1.LinkDetail;
import dev.gewyvern.proto.v1.ProgramDetail;
import dev.gewyvern.proto.v1.SessionDetail;
import dev.gewyvern.proto.v1.MapContents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.Phase;
import dev.gewyvern.proto.v1.PinnedObject;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.proto.v1.StructOps;
import dev.gewyvern.syscall.Kernel;
import dev.gewyvern.syscall.kernel.KernelTypes;
import dev.gewyvern.syscall.link.Links;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * struct_ops for real: testdata/src/struct_ops.bpf.c's TCP congestion control "gew_test_ca" registered by
 * a session, chosen as the default of a network namespace the test creates, used by a loopback TCP
 * connection there (its callbacks count into a map), and gone from the kernel's list after detach.
 */
class StructOpsKernelTest {
    private static final Path AVAILABLE = Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control");
    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Engine engine;
    private String ns;

    @BeforeEach
    void setUp() throws Exception {
        KernelTestSupport.requireBpf();
        // a congestion control replaces kernel behaviour: a local user applies it with --allow-risky
        engine = Engine.start(root, "StructOpsKernelTest", RiskPolicy.fromLocalCommandLine(true));
        ns = "gws" + Long.toString(ProcessHandle.current().pid() % 100000, 36)
                + Long.toString(System.nanoTime() % 1000000, 36);
        run("ip", "netns", "add", ns);
        run("ip", "-n", ns, "link", "set", "lo", "up");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (ns != null) {
            new ProcessBuilder("ip", "netns", "del", ns).start().waitFor();
            assertFalse(Files.exists(Path.of("/run/netns", ns)), ns + " is removed");
        }
        if (engine != null) {
            engine.close();
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }

    private static List<String> available() throws IOException {
        return List.of(Files.readString(AVAILABLE).trim().split("\\s+"));
    }

    static Pipeline pipeline(String map) {
        return Pipeline.newBuilder().setName("structops")
                .addObjects(BpfObject.newBuilder().setId("struct_ops")
                        .setPath(KernelTestSupport.testdata("obj/struct_ops.bpf.o").toString()))
                .addPrograms(Program.newBuilder().setObject("struct_ops").setName(map)
                        .setAttach(AttachTarget.newBuilder().setStructOps(StructOps.getDefaultInstance())))
                .build();
    }

    /** A loopback TCP connection in the test's namespace: {@code bytes} sent one way and read to the end. */
    private long transfer(int bytes) {
        return Kernel.get().inNetns("/run/netns/" + ns, () -> {
            try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                 Socket accepted = server.accept()) {
                Thread writer = new Thread(() -> {
                    try (OutputStream out = client.getOutputStream()) {
                        byte[] chunk = new byte[64 * 1024];
                        for (int sent = 0; sent < bytes; sent += chunk.length) {
                            out.write(chunk, 0, Math.min(chunk.length, bytes - sent));
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                writer.start();
                long got = 0;
                try (InputStream in = accepted.getInputStream()) {
                    byte[] buf = new byte[64 * 1024];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        got += n;
                    }
                }
                writer.join();
                return got;
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** How this kernel registers a struct_ops map by default: through a link where it has BPF_F_LINK. */
    private static boolean byLink() {
        return StructOpsRegistration.forKernel(KernelTypes.running()) == StructOpsRegistration.LINK;
    }

    /** The session's event for registering {@code map}, the kernel's way. */
    private static String registered(String map, String struct) {
        return byLink() ? "attach struct_ops map " + map + " -> registered as a " + struct
                : "commit struct_ops map " + map + " -> registered as a " + struct
                + " (by map update: the pinned map holds the registration)";
    }

    @Test
    void aSessionRegistersTheCongestionControlItsCallbacksCountAndDetachUnregistersIt() throws Exception {
        assertFalse(available().contains("gew_test_ca"), "gew_test_ca is registered before the test: " + available());
        String hostDefault = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_congestion_control")).trim();
        List<String> events = new ArrayList<>();
        SessionRecord rec = engine.apply(pipeline("gew_test_ca"), ev -> events.add(ev.step().word() + " " + ev.text()), 1);
        assertEquals(Phase.COMMITTED, rec.getPhase(), events.toString());
        assertTrue(events.contains(registered("gew_test_ca", "tcp_congestion_ops")), events.toString());
        for (String p : List.of("gew_ssthresh", "gew_cong_avoid", "gew_undo_cwnd", "gew_init")) {
            assertTrue(events.stream().anyMatch(e -> e.startsWith("verify program " + p + ": verified")), events.toString());
        }
        assertTrue(available().contains("gew_test_ca"), "registered: " + available());

        run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.tcp_congestion_control=gew_test_ca");
        assertEquals("gew_test_ca", run("ip", "netns", "exec", ns, "sysctl", "-n",
                "net.ipv4.tcp_congestion_control").trim());
        assertEquals(4 << 20, transfer(4 << 20));
        // back to a built-in one before the namespace goes, so nothing there still names ours
        run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.tcp_congestion_control=reno");
        assertEquals(hostDefault, Files.readString(Path.of("/proc/sys/net/ipv4/tcp_congestion_control")).trim(),
                "the host's own default is untouched");

        SessionDetail view = engine.show(rec.getSessionId(), 10);
        Map<String, Long> calls = new LinkedHashMap<>();
        view.getMapsList().stream().filter(m -> m.getName().equals("calls")).findFirst().orElseThrow().getEntriesList()
                .forEach(e -> calls.put(e.getKeyText(), Long.parseLong(e.getValueText())));
        assertTrue(calls.get("0") >= 2, "init runs for both ends of the connection: " + calls);
        assertTrue(calls.get("1") >= 1, "cong_avoid runs as ACKs arrive: " + calls);
        assertEquals(List.of("gew_cong_avoid", "gew_init", "gew_ssthresh", "gew_undo_cwnd"),
                view.getProgramsList().stream().map(ProgramDetail::getName).sorted().toList());
        if (!byLink()) {
            assertEquals(List.of(), view.getLinksList(), "no link: the pinned map holds the registration");
            engine.detach(rec.getSessionId());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (available().contains("gew_test_ca") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(available().contains("gew_test_ca"), "unregistered: " + available());
            return;
        }
        LinkDetail link = view.getLinksList().stream().filter(l -> l.getName().equals("gew_test_ca")).findFirst()
                .orElseThrow();
        assertEquals("struct_ops", link.getType());
        assertEquals("struct_ops map id " + view.getMapsList().stream().filter(m -> m.getName().equals("gew_test_ca"))
                .findFirst().orElseThrow().getId(), link.getTarget(), "the link holds the session's own map");

        int linkId = rec.getObjectsList().stream().filter(o -> o.getKind() == PinnedObject.Kind.LINK)
                .findFirst().orElseThrow().getKernelId();
        assertTrue(Links.exists(linkId));
        engine.detach(rec.getSessionId());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while ((available().contains("gew_test_ca") || Links.exists(linkId)) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(Links.exists(linkId), "the struct_ops link is gone");
        assertFalse(available().contains("gew_test_ca"), "unregistered: " + available());
    }

    /**
     * The classic registration, as on a kernel without BPF_F_LINK (before 6.4), run here by choosing it: the
     * map is created without BPF_F_LINK, registered by writing its element once pinned (at commit), works
     * with no link at all, and detach deletes the element before it unpins the map.
     */
    @Test
    void withoutALinkTheMapUpdateRegistersThePinnedMapHoldsItAndDetachDeletesIt() throws Exception {
        assertFalse(available().contains("gew_test_ca"), "gew_test_ca is registered before the test: " + available());
        engine.registerStructOpsBy(StructOpsRegistration.MAP_UPDATE);
        List<String> plan = engine.plan(pipeline("gew_test_ca"));
        int create = indexOf(plan, "BPF_MAP_CREATE MapCreateAttr[mapType=" + KernelTypes.running().value("bpf_map_type",
                "BPF_MAP_TYPE_STRUCT_OPS") + ", keySize=4, valueSize=");
        assertTrue(plan.get(create).contains(", mapFlags=0,"), "no BPF_F_LINK: " + plan.get(create));
        int update = indexOf(plan, "BPF_MAP_UPDATE_ELEM MapElemAttr[command=BPF_MAP_UPDATE_ELEM, mapFd=" + (1_000_000 + create));
        assertTrue(update == plan.size() - 1, "the registration is the last call: " + String.join("\n", plan));
        assertTrue(plan.stream().noneMatch(c -> c.startsWith("BPF_LINK_CREATE")), String.join("\n", plan));

        List<String> events = new ArrayList<>();
        SessionRecord rec = engine.apply(pipeline("gew_test_ca"), ev -> events.add(ev.step().word() + " " + ev.text()), 1);
        assertEquals(Phase.COMMITTED, rec.getPhase(), events.toString());
        assertTrue(events.contains("commit struct_ops map gew_test_ca -> registered as a tcp_congestion_ops (by map "
                + "update: the pinned map holds the registration)"), events.toString());
        assertTrue(available().contains("gew_test_ca"), "registered: " + available());
        SessionDetail view = engine.show(rec.getSessionId(), 10);
        assertEquals(List.of(), view.getLinksList(), "no link holds it");
        MapContents map = view.getMapsList().stream().filter(m -> m.getName().equals("gew_test_ca")).findFirst()
                .orElseThrow();
        assertEquals(0, map.getFlags() & Math.max(0, KernelTypes.running().constant("BPF_F_LINK")), "flags " + map.getFlags());

        run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.tcp_congestion_control=gew_test_ca");
        assertEquals(1 << 20, transfer(1 << 20));
        run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.tcp_congestion_control=reno");
        Map<String, Long> calls = new LinkedHashMap<>();
        engine.show(rec.getSessionId(), 10).getMapsList().stream().filter(m -> m.getName().equals("calls")).findFirst()
                .orElseThrow().getEntriesList().forEach(e -> calls.put(e.getKeyText(), Long.parseLong(e.getValueText())));
        assertTrue(calls.get("0") >= 2, "init runs for both ends of the connection: " + calls);

        engine.detach(rec.getSessionId());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (available().contains("gew_test_ca") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(available().contains("gew_test_ca"), "unregistered by detach: " + available());
    }

    /** A classic registration ends with the instance that made it, as every session of it does. */
    @Test
    void aMapUpdateRegistrationEndsWithItsInstance() throws Exception {
        assertFalse(available().contains("gew_test_ca2"), "gew_test_ca2 is registered before the test: " + available());
        engine.registerStructOpsBy(StructOpsRegistration.MAP_UPDATE);
        SessionRecord rec = engine.apply(pipeline("gew_test_ca_plain"), PhaseListener.SILENT, 1);
        assertEquals(Phase.COMMITTED, rec.getPhase());
        assertTrue(available().contains("gew_test_ca2"), "registered: " + available());
        Path folder = root.session(engine.instanceId(), rec.getSessionId());
        assertTrue(Files.exists(folder.resolve(PinRoot.MAPS).resolve("gew_test_ca_plain")), "the map is pinned");
        engine.close();
        engine = null;
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (available().contains("gew_test_ca2") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(available().contains("gew_test_ca2"), "unregistered when the instance ended: " + available());
        assertFalse(Files.exists(folder), "the session folder is gone");
    }

    private static int indexOf(List<String> plan, String prefix) {
        for (int i = 0; i < plan.size(); i++) {
            if (plan.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no call " + prefix + " in the plan:\n" + String.join("\n", plan));
    }

    @Test
    void aPlainStructOpsVariableIsRegisteredTheSameWay() throws Exception {
        assertFalse(available().contains("gew_test_ca2"), "gew_test_ca2 is registered before the test: " + available());
        List<String> events = new ArrayList<>();
        SessionRecord rec = engine.apply(pipeline("gew_test_ca_plain"), ev -> events.add(ev.step().word() + " " + ev.text()), 1);
        assertTrue(available().contains("gew_test_ca2"), "registered: " + available());
        assertTrue(events.contains(registered("gew_test_ca_plain", "tcp_congestion_ops")), events.toString());
        SessionDetail view = engine.show(rec.getSessionId(), 10);
        assertEquals(byLink() ? List.of("struct_ops") : List.of(), view.getLinksList().stream().map(LinkDetail::getType)
                .toList(), "a link holds the registration where the kernel has BPF_F_LINK: " + view.getLinksList());
        assertEquals(List.of("gew_plain_cong_avoid", "gew_plain_ssthresh", "gew_plain_undo_cwnd"),
                view.getProgramsList().stream().map(ProgramDetail::getName).sorted().toList(), events.toString());
        List<Integer> links = rec.getObjectsList().stream().filter(o -> o.getKind() == PinnedObject.Kind.LINK)
                .map(PinnedObject::getKernelId).toList();
        engine.detach(rec.getSessionId());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while ((available().contains("gew_test_ca2") || links.stream().anyMatch(Links::exists))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(links.stream().noneMatch(Links::exists), "the struct_ops link is gone");
        assertFalse(available().contains("gew_test_ca2"), "unregistered with its session: " + available());
    }

    @Test
    void aStructOpsProgramNamedAloneIsRefusedNamingItsMap() {
        Pipeline alone = Pipeline.newBuilder().setName("structops")
                .addObjects(BpfObject.newBuilder().setId("struct_ops")
                        .setPath(KernelTestSupport.testdata("obj/struct_ops.bpf.o").toString()))
                .addPrograms(Program.newBuilder().setObject("struct_ops").setName("gew_init")
                        .setAttach(AttachTarget.newBuilder().setLoadOnly(dev.gewyvern.proto.v1.LoadOnly.getDefaultInstance())))
                .build();
        SessionException e = assertThrows(SessionException.class, () -> engine.apply(alone, PhaseListener.SILENT, 1));
        assertEquals(Step.VERIFY, e.step());
        assertEquals(SessionException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains("program 'gew_init' is a struct_ops program (section 'struct_ops/init'): it "
                + "is loaded with the struct_ops map that points to it; give that map a struct_ops target instead "
                + "(struct_ops maps of object 'struct_ops': gew_test_ca_plain, gew_test_ca)"), e.getMessage());
        SessionException missing = assertThrows(SessionException.class,
                () -> engine.apply(pipeline("no_such_ops"), PhaseListener.SILENT, 1));
        assertTrue(missing.getMessage().contains("object 'struct_ops' has no struct_ops map 'no_such_ops' (its "
                + ".struct_ops and .struct_ops.link variables: gew_test_ca_plain, gew_test_ca)"), missing.getMessage());
        assertTrue(PinRoot.childFolders(root.sessions(engine.instanceId())).isEmpty(), "nothing committed");
    }
}
