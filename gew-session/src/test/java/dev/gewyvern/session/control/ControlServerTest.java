package dev.gewyvern.session.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import dev.gewyvern.auth.Ed25519;
import dev.gewyvern.auth.PairingToken;
import dev.gewyvern.auth.SignedRequests;
import dev.gewyvern.client.GewClient;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.CapabilityEntry;
import dev.gewyvern.proto.v1.Control;
import dev.gewyvern.proto.v1.GetRuntimeInfoRequest;
import dev.gewyvern.proto.v1.ListSessionsRequest;
import dev.gewyvern.proto.v1.ObjectKind;
import dev.gewyvern.proto.v1.Phase;
import dev.gewyvern.proto.v1.PhaseEvent;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.PipelineOuterClass;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.RuntimeGrpc;
import dev.gewyvern.proto.v1.SessionDetail;
import dev.gewyvern.proto.v1.SessionStatus;
import dev.gewyvern.proto.v1.SignedRequest;
import dev.gewyvern.proto.v1.Tracepoint;
import dev.gewyvern.proto.v1.WatchSessionRequest;
import dev.gewyvern.session.Engine;
import dev.gewyvern.session.ObjectFiles;
import dev.gewyvern.session.PinRoot;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The control interface over a real Unix socket, against docs/security.md's threat list. */
class ControlServerTest {
    private Path dir;
    private StateDir state;
    private Engine engine;
    private ControlServer server;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<GewClient> clients = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        dev.gewyvern.session.KernelTestSupportAccess.requireBpf();
        dir = Files.createTempDirectory("gew-control");
        state = new StateDir(dir.resolve("state")).open();
        engine = Engine.start(new PinRoot(PinRoot.DEFAULT), "ControlServerTest");
        server = start();
    }

    /**
     * The objects the tests name by path sit in testdata/obj: the server may read files there and nowhere else.
     * Pair's rate limit counts by a clock that stands still, so a test counts attempts however slowly a loaded
     * machine makes them (with the real clock a window could end between two attempts).
     */
    private ControlServer start() {
        ObjectFiles objects = ObjectFiles.under(dev.gewyvern.session.KernelTestSupportAccess.testdata("obj"));
        return tcp() ? ControlServer.startTcp("127.0.0.1", 0, engine, objects, state, log::add, () -> 0L)
                : ControlServer.startUnix(dir.resolve("run/gew.sock"), engine, objects, state, log::add, () -> 0L);
    }

    protected int serverPort() {
        return server.port();
    }

    protected Engine engineForTest() {
        return engine;
    }

    protected StateDir stateForTest() {
        return state;
    }

    /** The same threats run over the Unix socket here, and over TLS on loopback in the subclass. */
    protected boolean tcp() {
        return false;
    }

    /** No session came of it: nothing of the refused requests reached the kernel. */
    protected void assertNothingApplied() {
        assertTrue(engine.ownSessions().isEmpty(), "no session was applied");
        assertTrue(dev.gewyvern.session.KernelTestSupportAccess.holdsNothing(engine.instanceId()), "nothing pinned");
    }

    @AfterEach
    void tearDown() throws IOException {
        clients.forEach(GewClient::close);
        if (server != null) {
            server.close();
        }
        if (engine != null) {
            engine.close();
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    protected GewClient client(KeyPair keys) {
        GewClient c = tcp() ? GewClient.tcp("127.0.0.1", server.port(), keys, TlsIdentity.loadOrCreate(state).keySha256())
                : GewClient.unixSocket(server.socket(), keys);
        clients.add(c);
        return c;
    }

    private PairingToken token() {
        return new Pairing(state).newToken(Identity.loadOrCreate(state), Duration.ofMinutes(10), true);
    }

    protected GewClient paired() {
        GewClient c = client(Ed25519.generate());
        c.pair(token());
        return c;
    }

    /**
     * What a peer without the paired key gets when no token is pending: on the Unix socket the call is
     * refused; over TCP the TLS handshake itself fails (mutual TLS), so the call never reaches HTTP/2.
     */
    protected Status.Code stranger(Status.Code onTheSocket) {
        return tcp() ? Status.Code.UNAVAILABLE : onTheSocket;
    }

    private static Status.Code code(Runnable r) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, r::run);
        return e.getStatus().getCode();
    }

    private static Pipeline execcount() {
        Path obj = dev.gewyvern.session.KernelTestSupportAccess.testdata("obj/execcount.bpf.o");
        return Pipeline.newBuilder().setName("grpc")
                .addObjects(BpfObject.newBuilder().setId("execcount").setPath(obj.toString()))
                .addPrograms(Program.newBuilder().setObject("execcount").setName("count_execs")
                        .setAttach(AttachTarget.newBuilder().setTracepoint(Tracepoint.newBuilder()
                                .setCategory("syscalls").setName("sys_enter_execve")))).build();
    }

    @Test
    void pairThenDriveASessionEndToEnd() throws Exception {
        GewClient c = paired();
        assertArrayEquals(Identity.loadOrCreate(state).rawPublicKey(), c.runtimeKey());
        var info = c.runtimeInfo();
        assertEquals(System.getProperty("os.version"), info.getKernelRelease());
        assertArrayEquals(Identity.loadOrCreate(state).runtimeId(), info.getRuntimeId().toByteArray());

        SessionStatus applied = c.apply(execcount());
        String id = applied.getRecord().getSessionId();
        assertTrue(c.list().getSessionsList().stream().anyMatch(s -> s.getRecord().getSessionId().equals(id)));
        new ProcessBuilder("/bin/true").start().waitFor();
        SessionDetail detail = c.get(id, 10);
        // the same report `gew session show` prints: where it is pinned and that its owner (this server) runs
        assertTrue(detail.getPinPath().endsWith("/sessions/" + id), detail.getPinPath());
        assertEquals(ProcessHandle.current().pid(), detail.getOwnerPid());
        assertTrue(detail.getOwnerRunning());
        assertEquals("exec_counts", detail.getMaps(0).getName());
        assertEquals("char[16]", detail.getMaps(0).getKeyType());
        assertEquals(16, detail.getMaps(0).getKeySize());
        int recordedMapId = applied.getRecord().getObjectsList().stream()
                .filter(o -> o.getName().equals("exec_counts")).findFirst().orElseThrow().getKernelId();
        assertEquals(recordedMapId, detail.getMaps(0).getId());
        var prog = detail.getPrograms(0);
        assertEquals("count_execs", prog.getName());
        assertEquals("tracepoint", prog.getType());
        assertTrue(prog.getVerifiedInsns() > 0 && prog.getXlatedBytes() > 0 && prog.getTag().length() == 16, prog.toString());
        assertTrue(prog.getMapIdsList().contains(recordedMapId), prog.toString());
        assertTrue(prog.getVerification().getProcessedInsns() > 0, prog.toString());
        assertEquals(prog.getId(), detail.getLinks(0).getProgId());
        assertTrue(detail.getLinks(0).getId() > 0, detail.getLinks(0).toString());

        // a watch opened after the apply still sees the session's real phases, then its detach, then ends
        Iterator<PhaseEvent> watch = c.watch(id);
        List<Phase> phases = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            PhaseEvent e = watch.next();
            assertEquals(id, e.getSessionId());
            phases.add(e.getPhase());
        }
        assertEquals(List.of(Phase.CREATED, Phase.STAGED, Phase.VERIFIED, Phase.ATTACHED, Phase.COMMITTED), phases);
        assertEquals(5, c.detach(id).getPinsRemoved());
        PhaseEvent last = watch.next();
        assertEquals(Phase.DETACHED, last.getPhase());
        assertEquals(ObjectKind.OBJECT_KIND_SESSION, last.getObjectKind());
        assertFalse(watch.hasNext(), "the watch ends when the session is detached");
        assertEquals(Status.Code.NOT_FOUND, code(() -> c.detach(id)));
        assertEquals(Status.Code.NOT_FOUND, code(() -> c.watch("no-such-session-gew").hasNext()));
    }

    /**
     * The watch is asked for before the apply, but the server may reach it after the apply has published its
     * phases (two streams, no order between them): the watch replays what happened since it was signed.
     * Defence: SessionEvents.subscribe's replay for a watch of every session (without it this test waits for
     * events already gone; the bound below turns that into a failure). No wait here is unbounded.
     */
    @Test
    void aWatchOfEverySessionStreamsAnApplysPhasesAsTheyHappen() throws Exception {
        GewClient c = paired();
        Iterator<PhaseEvent> all = c.watch("");
        SessionStatus applied = c.apply(execcount());
        String id = applied.getRecord().getSessionId();
        List<PhaseEvent> seen = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            PhaseEvent e;
            do {
                e = all.next();
                seen.add(e);
            } while (e.getPhase() != Phase.COMMITTED);
        }, () -> "the watch of every session missed the apply's phases; seen " + seen);
        assertTrue(seen.stream().allMatch(x -> x.getSessionId().equals(id)), seen.toString());
        PhaseEvent verified = seen.stream().filter(x -> x.getPhase() == Phase.VERIFIED).findFirst().orElseThrow();
        assertEquals(ObjectKind.OBJECT_KIND_PROGRAM, verified.getObjectKind());
        assertEquals("count_execs", verified.getObjectName());
        int recorded = applied.getRecord().getObjectsList().stream().filter(o -> o.getName().equals("count_execs")
                && o.getKind() == dev.gewyvern.proto.v1.PinnedObject.Kind.PROGRAM).findFirst().orElseThrow().getKernelId();
        assertEquals(recorded, verified.getKernelId());
        c.detach(id);
        assertEquals(Phase.DETACHED, assertTimeoutPreemptively(Duration.ofSeconds(60), () -> all.next()).getPhase());
    }

    /**
     * Issue 12 item 10: one control-plane key holds at most WatchLimits.PER_KEY watches at once; a closed watch
     * gives its place back. Each watch is of a session the server applied, so its first event (replayed at
     * once) proves it is open. Defence: WatchLimits in RuntimeService.watchSession (without it the extra
     * watch is served like the others).
     */
    @Test
    void watchesPerKeyAreBounded() throws Exception {
        GewClient c = paired();
        String id = c.apply(execcount()).getRecord().getSessionId();
        List<io.grpc.ClientCall<SignedRequest, PhaseEvent>> open = new ArrayList<>();
        try {
            for (int i = 0; i < WatchLimits.PER_KEY; i++) {
                var w = new Watch(c, id);
                open.add(w.call);
                assertEquals(Phase.CREATED, w.first().getPhase(), "watch " + i + " is open");
            }
            Watch extra = new Watch(c, id);
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, extra.closed().getCode());
            open.remove(0).cancel("done with it", null);
            // the cancel reaches the server in its own time: ask again until a watch is served (bounded by 60 s,
            // not by a count of tries, so a loaded machine's slow cancel is no failure)
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Watch again = new Watch(c, id);
            while (again.firstOrNull() == null) {
                assertTrue(System.nanoTime() < until, "a closed watch never gave its place back");
                Thread.sleep(50);
                again = new Watch(c, id);
            }
            open.add(again.call);
        } finally {
            open.forEach(w -> w.cancel("test over", null));
        }
    }

    /** One WatchSession call whose events and end the test reads with bounded waits. */
    private static final class Watch {
        final io.grpc.ClientCall<SignedRequest, PhaseEvent> call;
        private final java.util.concurrent.BlockingQueue<Object> got = new java.util.concurrent.LinkedBlockingQueue<>();

        Watch(GewClient c, String id) {
            call = c.channel().newCall(RuntimeGrpc.getWatchSessionMethod(), io.grpc.CallOptions.DEFAULT);
            call.start(new io.grpc.ClientCall.Listener<>() {
                @Override
                public void onMessage(PhaseEvent message) {
                    got.add(message);
                    call.request(1);
                }

                @Override
                public void onClose(Status status, io.grpc.Metadata trailers) {
                    got.add(status);
                }
            }, new io.grpc.Metadata());
            call.sendMessage(c.sign(WatchSessionRequest.newBuilder().setSessionId(id).build(),
                    RuntimeGrpc.getWatchSessionMethod()));
            call.halfClose();
            call.request(1);
        }

        private Object next() throws InterruptedException {
            Object o = got.poll(60, java.util.concurrent.TimeUnit.SECONDS);
            assertNotNull(o, "no answer within 60 s");
            return o;
        }

        PhaseEvent first() throws InterruptedException {
            Object o = next();
            assertTrue(o instanceof PhaseEvent, "refused: " + o);
            return (PhaseEvent) o;
        }

        PhaseEvent firstOrNull() throws InterruptedException {
            Object o = next();
            return o instanceof PhaseEvent e ? e : null;
        }

        Status closed() throws InterruptedException {
            Object o = next();
            assertTrue(o instanceof Status, "served: " + o);
            return (Status) o;
        }
    }

    @Test
    void aFailedApplyCarriesStructuredDetails() throws Exception {
        GewClient c = paired();
        Pipeline bad = execcount().toBuilder().setPrograms(0, execcount().getPrograms(0).toBuilder()
                .setAttach(AttachTarget.newBuilder().setTracepoint(Tracepoint.newBuilder().setCategory("syscalls")
                        .setName("no_such_event_gew")))).build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> c.apply(bad));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), "the kernel has no such tracepoint");
        com.google.rpc.Status details = StatusProto.fromThrowable(e);
        assertNotNull(details);
        assertTrue(details.getMessage().startsWith("attach:"), details.getMessage());
        com.google.rpc.ErrorInfo info = details.getDetailsList().stream().filter(a -> a.is(com.google.rpc.ErrorInfo.class))
                .findFirst().orElseThrow().unpack(com.google.rpc.ErrorInfo.class);
        assertEquals("NOT_FOUND", info.getReason(), "the failure's kind, as a field");
        assertEquals("attach", info.getMetadataOrThrow("step"));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> c.apply(Pipeline.newBuilder().setName("Bad Name").build())));
    }

    @Test
    void capabilitiesAndCompatibilityThenARiskyPipelineIsDenied() throws IOException {
        GewClient c = paired();
        var caps = c.capabilities();
        assertTrue(caps.getCapabilitiesList().stream().anyMatch(e -> e.getCategory() == CapabilityEntry.Category.ATTACH_KIND
                && e.getName().equals("fentry") && e.getState() == CapabilityEntry.State.NOT_SUPPORTED), "fentry reported");
        var ok = c.verifyCompatibility(execcount());
        assertTrue(ok.getAdmissible(), ok.toString());

        Path cgroup = dev.gewyvern.syscall.kernel.Filesystems.cgroup2().orElseThrow()
                .resolve("gew-grpc-" + ProcessHandle.current().pid());
        Files.createDirectory(cgroup);
        try {
            Pipeline risky = Pipeline.newBuilder().setName("risky")
                    .addObjects(BpfObject.newBuilder().setId("attachkinds").setPath(
                            dev.gewyvern.session.KernelTestSupportAccess.testdata("obj/attachkinds.bpf.o").toString()))
                    .addPrograms(Program.newBuilder().setObject("attachkinds").setName("count_egress")
                            .setAttach(AttachTarget.newBuilder().setCgroup(dev.gewyvern.proto.v1.Cgroup.newBuilder()
                                    .setPath(cgroup.toString())))).build();
            var report = c.verifyCompatibility(risky);
            assertFalse(report.getAdmissible());
            assertTrue(report.getRequirementsList().stream().anyMatch(r -> r.getName().equals("cgroup_skb")
                    && r.getLevel() == dev.gewyvern.proto.v1.RequirementLevel.SUPPORTED_BUT_RISKY
                    && r.getBasis() == dev.gewyvern.proto.v1.RequirementBasis.REQUIREMENT_BASIS_PROBED), report.toString());
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> c.apply(risky));
            assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
            com.google.rpc.ErrorInfo info = StatusProto.fromThrowable(e).getDetailsList().stream()
                    .filter(a -> a.is(com.google.rpc.ErrorInfo.class)).findFirst().orElseThrow()
                    .unpack(com.google.rpc.ErrorInfo.class);
            assertEquals("program type cgroup_skb", info.getMetadataOrThrow("requirement"));
            assertTrue(c.list().getSessionsList().stream().noneMatch(r -> r.getRecord().getSessionId().startsWith("risky-")));
        } finally {
            Files.deleteIfExists(cgroup);
        }
    }

    /**
     * Defence: PairLimiter in PairingService.pair (without it every attempt gets UNAUTHENTICATED). The server's
     * Pair clock stands still (see start()), so exactly PER_SOURCE attempts are answered and every later one is
     * refused, however long the attempts take: nothing here depends on timing.
     */
    @Test
    void pairingIsRateLimited() {
        PairingToken t = token();
        PairingToken wrong = new PairingToken(t.runtimeFingerprint(), new byte[16], t.secret());
        List<Status.Code> codes = new ArrayList<>();
        GewClient one = client(Ed25519.generate());
        for (int i = 0; i < PairLimiter.PER_SOURCE + 2; i++) {
            codes.add(code(() -> one.pair(wrong)));
        }
        List<Status.Code> expected = new ArrayList<>(java.util.Collections.nCopies(PairLimiter.PER_SOURCE,
                Status.Code.UNAUTHENTICATED));
        expected.addAll(List.of(Status.Code.RESOURCE_EXHAUSTED, Status.Code.RESOURCE_EXHAUSTED));
        assertEquals(expected, codes);
    }

    /**
     * Issue 12 item 7: blind attempts (a token id that is not the pending one) do not burn the pending token.
     * Defence: Pairing.recordFailure counts only attempts naming the pending token's id (without it the
     * fifth blind attempt burns the token and the real one is refused).
     */
    @Test
    void blindAttemptsDoNotBurnTheToken() {
        PairingToken t = token();
        PairingToken blind = new PairingToken(t.runtimeFingerprint(), new byte[16], new byte[32]);
        for (int i = 0; i < Pairing.MAX_ATTEMPTS; i++) {
            assertEquals(Status.Code.UNAUTHENTICATED, code(() -> client(Ed25519.generate()).pair(blind)));
        }
        GewClient c = client(Ed25519.generate());
        c.pair(t);
        assertNotNull(c.runtimeInfo());
    }

    @Test
    void pairingIsRefusedWithoutAPendingToken() {
        GewClient c = client(Ed25519.generate());
        PairingToken t = token();
        new Pairing(state).unpair();
        assertEquals(stranger(Status.Code.FAILED_PRECONDITION), code(() -> c.pair(t)));
    }

    @Test
    void aTokenIsSingleUseAndBurnsAfterFiveBadAttempts() {
        PairingToken t = token();
        client(Ed25519.generate()).pair(t);
        assertEquals(stranger(Status.Code.FAILED_PRECONDITION), code(() -> client(Ed25519.generate()).pair(t)), "reuse");

        PairingToken t2 = token();
        PairingToken wrongSecret = new PairingToken(t2.runtimeFingerprint(), t2.tokenId(), new byte[32]);
        for (int i = 0; i < Pairing.MAX_ATTEMPTS; i++) {
            assertEquals(Status.Code.UNAUTHENTICATED, code(() -> client(Ed25519.generate()).pair(wrongSecret)));
        }
        assertEquals(stranger(Status.Code.FAILED_PRECONDITION), code(() -> client(Ed25519.generate()).pair(t2)),
                "the right secret no longer works: the token burnt");
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        PairingToken t = new Pairing(state).newToken(Identity.loadOrCreate(state), Duration.ofMillis(1), true);
        Thread.sleep(20);
        assertEquals(stranger(Status.Code.FAILED_PRECONDITION), code(() -> client(Ed25519.generate()).pair(t)));
    }

    @Test
    void aTokenForAnotherRuntimeFailsTheTokenSignature() {
        PairingToken t = token();
        byte[] otherFingerprint = Ed25519.sha256(Ed25519.raw(Ed25519.generate().getPublic()));
        PairingToken forged = new PairingToken(otherFingerprint, t.tokenId(), t.secret());
        assertEquals(Status.Code.UNAUTHENTICATED, code(() -> client(Ed25519.generate()).pair(forged)));
    }

    @Test
    void signedCallsWork() {
        GewClient c = paired();
        assertEquals(RuntimeFacts.VERSION, c.runtimeInfo().getGewyvernVersion());
    }

    private SignedRequest signed(GewClient c) {
        return c.sign(GetRuntimeInfoRequest.getDefaultInstance(), RuntimeGrpc.getGetRuntimeInfoMethod());
    }

    private Status.Code call(GewClient c, SignedRequest r) {
        return code(() -> RuntimeGrpc.newBlockingStub(c.channel()).getRuntimeInfo(r));
    }

    private static ByteString flip(ByteString b, int bit) {
        byte[] x = b.toByteArray();
        x[bit / 8 % x.length] ^= (byte) (1 << (bit % 8));
        return ByteString.copyFrom(x);
    }

    @Test
    void forgedEnvelopesAreRefusedAlike() {
        GewClient c = paired();
        List<UnaryOperator<SignedRequest>> forgeries = List.of(
                r -> r.toBuilder().setPayload(ByteString.copyFromUtf8("x")).build(),
                r -> r.toBuilder().setKeyId(flip(r.getKeyId(), 3)).build(),
                r -> r.toBuilder().setTsUnixMs(r.getTsUnixMs() + 1).build(),
                r -> r.toBuilder().setNonce(flip(r.getNonce(), 77)).build(),
                r -> r.toBuilder().setSig(flip(r.getSig(), 5)).build(),
                r -> r.toBuilder().setSig(flip(r.getSig(), 300)).build(),
                r -> r.toBuilder().setSig(r.getSig().substring(0, 63)).build(),
                r -> r.toBuilder().setNonce(r.getNonce().substring(0, 15)).build(),
                r -> r.toBuilder().setKeyId(r.getKeyId().concat(ByteString.copyFrom(new byte[1]))).build(),
                r -> r.toBuilder().setSig(ByteString.copyFrom(new byte[64])).build(),
                r -> r.toBuilder().setSig(sPlusL(r.getSig())).build(),
                r -> SignedRequest.getDefaultInstance());
        for (UnaryOperator<SignedRequest> forge : forgeries) {
            assertEquals(Status.Code.UNAUTHENTICATED, call(c, forge.apply(signed(c))));
            SignedRequest apply = c.sign(dev.gewyvern.proto.v1.ApplySessionRequest.newBuilder().setPipeline(execcount())
                    .build(), RuntimeGrpc.getApplySessionMethod());
            assertEquals(Status.Code.UNAUTHENTICATED, code(() -> RuntimeGrpc.newBlockingStub(c.channel())
                    .applySession(forge.apply(apply))));
        }
        assertNothingApplied();
        assertTrue(log.stream().anyMatch(l -> l.contains("bad signature")));
        assertTrue(log.stream().anyMatch(l -> l.contains("malformed envelope")));
    }

    /** The same signature with S replaced by S + L: valid in a malleable verifier, refused by ours. */
    static ByteString sPlusL(ByteString sig) {
        byte[] s = sig.toByteArray();
        byte[] sLe = Arrays.copyOfRange(s, 32, 64);
        byte[] sBe = new byte[32];
        for (int i = 0; i < 32; i++) {
            sBe[i] = sLe[31 - i];
        }
        BigInteger l = BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));
        byte[] sum = new BigInteger(1, sBe).add(l).toByteArray();
        byte[] out = Arrays.copyOf(s, 64);
        for (int i = 0; i < 32; i++) {
            int from = sum.length - 1 - i;
            out[32 + i] = from >= 0 ? sum[from] : 0;
        }
        return ByteString.copyFrom(out);
    }

    @Test
    void replaysAreRefusedOnceAndConcurrently() throws Exception {
        GewClient c = paired();
        SignedRequest r = signed(c);
        RuntimeGrpc.newBlockingStub(c.channel()).getRuntimeInfo(r);
        assertEquals(Status.Code.UNAUTHENTICATED, call(c, r));

        SignedRequest r2 = signed(c);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> {
                    try {
                        RuntimeGrpc.newBlockingStub(c.channel()).getRuntimeInfo(r2);
                        return true;
                    } catch (StatusRuntimeException e) {
                        return false;
                    }
                }));
            }
            int ok = 0;
            for (Future<Boolean> f : results) {
                ok += f.get() ? 1 : 0;
            }
            assertEquals(1, ok, "exactly one of 16 concurrent copies is served");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void staleAndFutureTimestampsAreRefused() {
        GewClient c = paired();
        Identity id = Identity.loadOrCreate(state);
        KeyPair keys = Ed25519.generate();
        GewClient d = client(keys);
        d.pair(token());
        for (long skew : new long[] {-31_000, 31_000, -3_600_000}) {
            SignedRequest r = SignedRequests.sign(GetRuntimeInfoRequest.getDefaultInstance(),
                    RuntimeGrpc.getGetRuntimeInfoMethod().getFullMethodName(), id.runtimeId(),
                    Ed25519.raw(keys.getPublic()), keys.getPrivate(), System.currentTimeMillis() + skew);
            assertEquals(Status.Code.UNAUTHENTICATED, call(d, r), "skew " + skew);
        }
        assertEquals(Status.Code.UNAUTHENTICATED, call(c, signed(c)), "pairing d replaced c");
    }

    /**
     * Issue 12 item 4: a request signed before a restart is not served after it, though it is inside the
     * 30 s window and the new process has never seen its nonce. Defence: RequestVerifier.fresh refusing
     * ts < process start (the old rule allowed 30 s before the start).
     */
    @Test
    void aRequestSignedBeforeARestartIsRefusedAfterIt() throws Exception {
        KeyPair keys = Ed25519.generate();
        GewClient c = client(keys);
        c.pair(token());
        SignedRequest before = signed(c);
        Thread.sleep(5);
        server.close();
        server = start();
        GewClient again = client(keys).trustRuntime(Identity.loadOrCreate(state).rawPublicKey());
        assertEquals(Status.Code.UNAUTHENTICATED, call(again, before), "replayed across the restart");
        assertNotNull(again.runtimeInfo(), "a request signed now is served");
    }

    /**
     * Issue 12 item 6, over the wire: a control plane names /etc/shadow as an object and as a target BTF, for
     * ApplySession and VerifyCompatibility; it gets INVALID_ARGUMENT naming the field, with nothing of the
     * file. Defence: RuntimeService preparing by ObjectFiles.under(the object folder) (the old server read
     * the file and answered with its SHA-256 or its first bytes).
     */
    @Test
    void aControlPlaneReadsNoFileOutsideTheObjectFolder() {
        GewClient c = paired();
        Pipeline shadow = execcount().toBuilder().setObjects(0, execcount().getObjects(0).toBuilder().setPath("/etc/shadow")
                .setSha256("0".repeat(64))).build();
        Pipeline shadowBtf = execcount().toBuilder().setObjects(0, execcount().getObjects(0).toBuilder()
                .setTargetBtf("/etc/shadow")).build();
        for (Pipeline p : List.of(shadow, shadowBtf)) {
            for (Runnable call : List.<Runnable>of(() -> c.apply(p), () -> c.verifyCompatibility(p))) {
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
                assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
                String text = String.valueOf(e.getStatus().getDescription());
                assertTrue(text.contains("objects[0].") && text.contains("is not a file inside"), text);
                assertFalse(text.contains("root:") || text.contains("SHA-256 "), text);
            }
        }
        assertNothingApplied();
    }

    @Test
    void crossMethodCrossRuntimeAndUnpairedKeysAreRefused() {
        KeyPair keys = Ed25519.generate();
        GewClient c = client(keys);
        c.pair(token());
        SignedRequest forList = c.sign(ListSessionsRequest.getDefaultInstance(), RuntimeGrpc.getListSessionsMethod());
        assertEquals(Status.Code.UNAUTHENTICATED, call(c, forList), "signed for another method");

        SignedRequest otherRuntime = SignedRequests.sign(GetRuntimeInfoRequest.getDefaultInstance(),
                RuntimeGrpc.getGetRuntimeInfoMethod().getFullMethodName(), new byte[32], c.publicKey(),
                keys.getPrivate(), System.currentTimeMillis());
        assertEquals(Status.Code.UNAUTHENTICATED, call(c, otherRuntime), "signed for another runtime");

        GewClient stranger = client(Ed25519.generate()).trustRuntime(Identity.loadOrCreate(state).rawPublicKey());
        assertEquals(stranger(Status.Code.UNAUTHENTICATED), call(stranger, signed(stranger)), "unpaired key");
        assertEquals(stranger(Status.Code.UNAUTHENTICATED), code(() -> stranger.apply(execcount())), "unpaired key applying");
        assertNothingApplied();
        assertNotNull(c.runtimeInfo(), "the paired client still works");
    }

    @Test
    void unpairTakesEffectOnTheNextRequest() {
        GewClient c = paired();
        c.runtimeInfo();
        new Pairing(state).unpair();
        assertEquals(Status.Code.UNAUTHENTICATED, code(c::runtimeInfo));
    }

    @Test
    void oversizedAndMalformedMessagesAreRefused() {
        KeyPair keys = Ed25519.generate();
        GewClient c = client(keys);
        c.pair(token());
        byte[] runtimeId = Identity.loadOrCreate(state).runtimeId();
        SignedRequest huge = signed(c).toBuilder().setPayload(ByteString.copyFrom(new byte[ControlServer.MAX_MESSAGE + 1]))
                .build();
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, call(c, huge));

        io.grpc.Metadata md = new io.grpc.Metadata();
        md.put(io.grpc.Metadata.Key.of("x-big", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "a".repeat(ControlServer.MAX_METADATA));
        Status.Code big = code(() -> RuntimeGrpc.newBlockingStub(c.channel())
                .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(md)).getRuntimeInfo(signed(c)));
        assertTrue(big == Status.Code.INTERNAL || big == Status.Code.RESOURCE_EXHAUSTED || big == Status.Code.UNAVAILABLE,
                "oversized metadata refused: " + big);

        // a payload with an unknown field, correctly signed, is still refused
        byte[] unknown = {(byte) 0xf8, 0x3f, 0x01};
        SignedRequest withUnknown = SignedRequests.sign(new RawMessage(unknown), RuntimeGrpc.getGetRuntimeInfoMethod()
                .getFullMethodName(), runtimeId, c.publicKey(), keys.getPrivate(), System.currentTimeMillis());
        assertEquals(Status.Code.UNAUTHENTICATED, call(c, withUnknown));

        // deeply nested garbage as a payload
        byte[] nested = new byte[4000];
        for (int i = 0; i < nested.length; i += 2) {
            nested[i] = 0x0a;
            nested[i + 1] = (byte) 0x7f;
        }
        SignedRequest deep = SignedRequests.sign(new RawMessage(nested), RuntimeGrpc.getApplySessionMethod()
                .getFullMethodName(), runtimeId, c.publicKey(), keys.getPrivate(), System.currentTimeMillis());
        assertEquals(Status.Code.UNAUTHENTICATED, code(() -> RuntimeGrpc.newBlockingStub(c.channel()).applySession(deep)));
    }

    @Test
    void noMessageCanAskForRiskyExecution() {
        List<Descriptors.FileDescriptor> files = List.of(Control.getDescriptor(), PipelineOuterClass.getDescriptor(), dev.gewyvern.proto.v1.Session.getDescriptor(),
                dev.gewyvern.proto.v1.RuntimeProto.getDescriptor());
        for (Descriptors.FileDescriptor f : files) {
            for (Descriptors.Descriptor m : f.getMessageTypes()) {
                for (Descriptors.FieldDescriptor field : m.getFields()) {
                    String n = field.getName().toLowerCase(java.util.Locale.ROOT);
                    assertFalse(n.contains("risk") || n.contains("allow") || n.contains("override") || n.contains("policy"),
                            m.getFullName() + "." + field.getName() + " could relax the local risk policy");
                }
            }
        }
    }

    @Test
    void nonRootPeersAreCutOffEvenWithTheSocketWorldWritable() throws Exception {
        nonRootPeers();
    }

    protected void nonRootPeers() throws Exception {
        Files.setPosixFilePermissions(server.socket().getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(server.socket(), PosixFilePermissions.fromString("rwxrwxrwx"));
        // the probe runs from a copy its uid can read, whatever folder the repository is in
        Path probeRoot = Files.createTempDirectory(dir, "probe");
        Path cls = Path.of(NonRootProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("dev/gewyvern/session/control/NonRootProbe.class");
        Path copy = probeRoot.resolve("dev/gewyvern/session/control/NonRootProbe.class");
        Files.createDirectories(copy.getParent());
        Files.copy(cls, copy);
        for (Path p = copy; p.startsWith(dir); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", java, "-cp",
                probeRoot.toString(), NonRootProbe.class.getName(), server.socket().toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor();
        assertTrue(out.endsWith("EOF"), "uid 65534 got: " + out);
        assertTrue(log.stream().anyMatch(l -> l.contains("closed a connection from uid 65534")), log.toString());
        // root still gets through
        assertNotNull(paired().runtimeInfo());
    }

    @Test
    void tamperedOrLooseKeyFilesAreRefusedByName() throws IOException {
        Path pub = state.path().resolve(Identity.PUBLIC);
        byte[] original = Files.readAllBytes(pub);
        byte[] other = Ed25519.raw(Ed25519.generate().getPublic());
        state.write(Identity.PUBLIC, other);
        ControlException tampered = assertThrows(ControlException.class, () -> Identity.loadOrCreate(state));
        assertTrue(tampered.getMessage().contains("tampered"), tampered.getMessage());
        state.write(Identity.PUBLIC, original);

        Files.setPosixFilePermissions(pub, PosixFilePermissions.fromString("rw-r--r--"));
        ControlException loose = assertThrows(ControlException.class, () -> Identity.loadOrCreate(state));
        assertTrue(loose.getMessage().contains(pub.toString()) && loose.getMessage().contains("group or others"),
                loose.getMessage());
        Files.setPosixFilePermissions(pub, PosixFilePermissions.fromString("rw-------"));

        Path link = state.path().resolve(Pairing.PEER);
        Files.createSymbolicLink(link, pub);
        ControlException sym = assertThrows(ControlException.class, () -> new Pairing(state).peer());
        assertTrue(sym.getMessage().contains("symbolic link"), sym.getMessage());
        Files.delete(link);
    }

    @Test
    void aSecondServerOnTheSameSocketIsRefused() {
        secondServer();
    }

    @Test
    void aStaleSocketIsReplacedButNotAFileOrALiveServer() throws Exception {
        if (tcp()) {
            secondServer(); // over TCP the port is the only thing to take
            return;
        }
        Path stale = dir.resolve("stale/gew.sock");
        Files.createDirectories(stale.getParent());
        try (var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.bind(java.net.UnixDomainSocketAddress.of(stale)); // closed without unlinking: a dead server's socket
        }
        assertTrue(Files.exists(stale));
        try (ControlServer s = ControlServer.startUnix(stale, engine, state, log::add)) {
            try (GewClient c = GewClient.unixSocket(s.socket(), Ed25519.generate())) {
                c.pair(token());
                assertNotNull(c.runtimeInfo());
            }
        }
        Path file = dir.resolve("file/gew.sock");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "not a socket");
        ControlException e = assertThrows(ControlException.class, () -> ControlServer.startUnix(file, engine, state, log::add));
        assertTrue(e.getMessage().contains("is not a socket"), e.getMessage());
    }

    /**
     * Issue 12 item 5: the socket is 0600 from the moment bind(2) makes it, and the lock file goes with the
     * server. Defences: the umask around ControlServer's bind (no chmod follows it: without the umask the
     * socket is 0755 here) and LockFile.release.
     */
    @Test
    void theSocketIsBornPrivateAndItsLockGoesWithTheServer() throws Exception {
        if (tcp()) {
            return; // no file on TCP
        }
        Path socket = server.socket();
        Path lock = socket.resolveSibling(socket.getFileName() + ".lock");
        assertEquals(0600, (Integer) Files.getAttribute(socket, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS)
                & 07777);
        assertTrue(Files.exists(lock, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals(0700, (Integer) Files.getAttribute(socket.getParent(), "unix:mode") & 07777, "made 0700");
        server.close();
        server = null;
        assertFalse(Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the socket is removed");
        assertFalse(Files.exists(lock, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the lock file is removed");
    }

    protected void secondServer() {
        ControlException e = assertThrows(ControlException.class,
                () -> ControlServer.startUnix(server.socket(), engine, state, log::add));
        assertTrue(e.getMessage().contains("another gew serve"), e.getMessage());
    }

    /** Arbitrary bytes as a message, to sign payloads no generated class would produce. */
    static final class RawMessage extends com.google.protobuf.AbstractMessageLite<RawMessage, RawMessage.B> {
        private final byte[] bytes;

        RawMessage(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public byte[] toByteArray() {
            return bytes.clone();
        }

        @Override
        public void writeTo(com.google.protobuf.CodedOutputStream output) throws IOException {
            output.writeRawBytes(bytes);
        }

        @Override
        public int getSerializedSize() {
            return bytes.length;
        }

        @Override
        public com.google.protobuf.Parser<RawMessage> getParserForType() {
            throw new UnsupportedOperationException();
        }

        @Override
        public B newBuilderForType() {
            throw new UnsupportedOperationException();
        }

        @Override
        public B toBuilder() {
            throw new UnsupportedOperationException();
        }

        @Override
        public RawMessage getDefaultInstanceForType() {
            return this;
        }

        @Override
        public boolean isInitialized() {
            return true;
        }

        abstract static class B extends com.google.protobuf.AbstractMessageLite.Builder<RawMessage, B> {
        }
    }

}
