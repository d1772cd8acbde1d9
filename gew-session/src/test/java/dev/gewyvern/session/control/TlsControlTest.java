package dev.gewyvern.session.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.gewyvern.auth.Ed25519;
import dev.gewyvern.client.GewClient;
import dev.gewyvern.proto.v1.GetRuntimeInfoRequest;
import dev.gewyvern.proto.v1.RuntimeGrpc;
import dev.gewyvern.session.Engine;
import dev.gewyvern.session.PinRoot;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The control interface over TCP on loopback: TLS 1.3 only, the runtime's TLS key pinned at pairing. */
class TlsControlTest {
    private Path dir;
    private StateDir state;
    private Engine engine;
    private ControlServer server;

    @BeforeEach
    void setUp() throws IOException {
        dev.gewyvern.session.KernelTestSupportAccess.requireBpf();
        dir = Files.createTempDirectory("gew-tls");
        state = new StateDir(dir.resolve("state")).open();
        engine = Engine.start(new PinRoot(PinRoot.DEFAULT), "TlsControlTest");
        server = ControlServer.startTcp("127.0.0.1", 0, engine, state, line -> { });
    }

    @AfterEach
    void tearDown() throws IOException {
        server.close();
        engine.close();
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void pairOverTlsThenCallWithThePinnedKey() {
        KeyPair keys = Ed25519.generate();
        byte[] pinned;
        try (GewClient c = GewClient.tcp("127.0.0.1", server.port(), keys, null)) {
            c.pair(new Pairing(state).newToken(Identity.loadOrCreate(state), Duration.ofMinutes(1), false));
            pinned = c.tlsKeySha256();
            assertArrayEquals(TlsIdentity.loadOrCreate(state).keySha256(), pinned);
            assertNotNull(c.runtimeInfo());
        }
        try (GewClient again = GewClient.tcp("127.0.0.1", server.port(), keys, pinned)) {
            again.trustRuntime(Identity.loadOrCreate(state).rawPublicKey());
            assertEquals(RuntimeFacts.VERSION, again.runtimeInfo().getGewyvernVersion());
        }
    }

    @Test
    void aDifferentTlsKeyIsRefusedByTheClient() {
        byte[] wrong = new byte[32];
        try (GewClient c = GewClient.tcp("127.0.0.1", server.port(), Ed25519.generate(), wrong)) {
            c.trustRuntime(Identity.loadOrCreate(state).rawPublicKey());
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, c::runtimeInfo);
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        }
    }

    @Test
    void plaintextIsNotServed() throws InterruptedException {
        ManagedChannel plain = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> RuntimeGrpc.newBlockingStub(plain)
                    .withDeadlineAfter(60, TimeUnit.SECONDS).getRuntimeInfo(dev.gewyvern.proto.v1.SignedRequest
                            .newBuilder().setPayload(GetRuntimeInfoRequest.getDefaultInstance().toByteString()).build()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
        } finally {
            plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private byte[] runtimeKey() {
        return Identity.loadOrCreate(state).rawPublicKey();
    }

    private dev.gewyvern.auth.PairingToken token() {
        return new Pairing(state).newToken(Identity.loadOrCreate(state), Duration.ofMinutes(1), true);
    }

    /**
     * Issue 12 item 3: a TCP client that has no pin can only pair. Defence: GewClient.sign refuses while the
     * trust manager has no pin (without it the signed call goes out, to whoever answers on the port).
     */
    @Test
    void aTcpClientWithoutAPinCanOnlyPair() {
        try (GewClient c = GewClient.tcp("127.0.0.1", server.port(), Ed25519.generate(), null)) {
            c.trustRuntime(runtimeKey());
            IllegalStateException e = assertThrows(IllegalStateException.class, c::runtimeInfo);
            assertTrue(e.getMessage().contains("can only pair"), e.getMessage());
        }
    }

    /**
     * Issue 12 item 3: the TLS key verified at pairing is pinned for the life of the client. The client pairs
     * through a proxy, then the proxy sends its next connection to an impostor with another key. Defence:
     * PinningTrustManager.pin after pairing (without it the client completes a handshake with the impostor
     * and would send it its next call).
     */
    @Test
    void thePinLearnedAtPairingHoldsForTheLifeOfTheClient() throws Exception {
        try (SwitchProxy proxy = new SwitchProxy(server.port()); Impostor impostor = new Impostor();
             GewClient c = GewClient.tcp("127.0.0.1", proxy.port(), Ed25519.generate(), null)) {
            c.pair(token());
            assertNotNull(c.runtimeInfo());
            proxy.switchTo(impostor.port());
            // calls fail while the channel backs off between attempts: go on until it has tried the impostor. The
            // code of a failure is not the point: UNAVAILABLE mostly, but a call already on the wire when the proxy
            // cuts the connection can end UNKNOWN. What matters is that no call succeeds and no handshake completes.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (impostor.refused.get() == 0 && impostor.handshakes.get() == 0 && System.nanoTime() < until) {
                assertThrows(StatusRuntimeException.class, c::runtimeInfo, "a call reached someone after the switch");
                Thread.sleep(100);
            }
            assertEquals(0, impostor.handshakes.get(), "the client finished a TLS handshake with the impostor");
            assertTrue(impostor.refused.get() > 0, "the client did try the impostor");
        }
    }

    /**
     * Issue 12 item 2: with no token pending, a stranger cannot finish a TLS handshake, with no certificate
     * or with a key that is not the paired one, so it never reaches HTTP/2. Defences: TlsGate requiring a
     * client certificate when no token is pending (without it the certificate-less handshake completes), and
     * ClientKeyTrustManager trusting only the pinned key (without it the stranger's key completes the
     * handshake and only TlsGate's last word closes the connection afterwards: this test tells the two apart
     * by the TLS alert).
     */
    @Test
    void withNoTokenPendingStrangersCannotFinishTheHandshake() throws Exception {
        try (GewClient c = GewClient.tcp("127.0.0.1", server.port(), Ed25519.generate(), null)) {
            c.pair(token()); // paired, and no token pending any more
        }
        assertHandshakeRefused(null, "no client certificate");
        assertHandshakeRefused(Ed25519.generate(), "a key that is not the paired one");
        try (GewClient stranger = GewClient.tcp("127.0.0.1", server.port(), Ed25519.generate(),
                TlsIdentity.loadOrCreate(state).keySha256())) {
            stranger.trustRuntime(runtimeKey());
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, stranger::runtimeInfo);
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), "a key that is not paired: no handshake");
        }
    }

    /**
     * A raw TLS 1.3 client, trusting any server, presenting {@code clientKey}'s certificate (none when null):
     * the server refuses it with a TLS alert, not by closing a connection after the handshake.
     */
    private void assertHandshakeRefused(KeyPair clientKey, String who) throws Exception {
        javax.net.ssl.KeyManager[] km = null;
        if (clientKey != null) {
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = "stranger".toCharArray();
            ks.setKeyEntry("key", clientKey.getPrivate(), pw, new java.security.cert.Certificate[] {
                    dev.gewyvern.auth.SelfSignedCertificate.of(clientKey, "stranger")});
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
            kmf.init(ks, pw);
            km = kmf.getKeyManagers();
        }
        javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        trustAll.init(km, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) { }
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) { }
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) trustAll.getSocketFactory()
                .createSocket("127.0.0.1", server.port())) {
            s.setSoTimeout(60_000); // a bound for a loaded machine, not a timing the test measures
            // in TLS 1.3 the client's side may finish first; the server's refusal arrives on the first read
            java.io.IOException refusal = assertThrows(java.io.IOException.class, () -> {
                s.startHandshake();
                if (s.getInputStream().read() < 0) { // nothing written: a write could race the server's close
                    throw new java.io.EOFException("closed");
                }
            }, who);
            // refused in the handshake: the TLS alert of a refused certificate, or, racing it, the connection
            // cut under the client's last handshake write (broken pipe) or read (reset). Not a clean close: that
            // is a handshake the server finished and only then dropped
            assertTrue(refusal instanceof javax.net.ssl.SSLHandshakeException || refusal instanceof java.net.SocketException,
                    who + ": " + refusal);
        }
    }

    /**
     * Issue 12 item 2: while a token is pending, a connection whose key is not the paired one may call Pair
     * and nothing else, even carrying a request the paired key signed. Defence: PeerGate (without it the
     * relayed request is served on the stranger's connection).
     */
    @Test
    void aPairingConnectionCanCallPairAndNothingElse() {
        byte[] tlsKey = TlsIdentity.loadOrCreate(state).keySha256();
        try (GewClient c = GewClient.tcp("127.0.0.1", server.port(), Ed25519.generate(), null);
             GewClient other = GewClient.tcp("127.0.0.1", server.port(), Ed25519.generate(), tlsKey)) {
            c.pair(token());
            token(); // a token is pending again: strangers may connect, to pair
            dev.gewyvern.proto.v1.SignedRequest relayed = c.sign(GetRuntimeInfoRequest.getDefaultInstance(),
                    RuntimeGrpc.getGetRuntimeInfoMethod());
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> RuntimeGrpc
                    .newBlockingStub(other.channel()).withDeadlineAfter(60, TimeUnit.SECONDS).getRuntimeInfo(relayed));
            assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
            // refused before the signature check: the nonce was not spent, the paired connection can use it
            assertNotNull(RuntimeGrpc.newBlockingStub(c.channel()).withDeadlineAfter(60, TimeUnit.SECONDS)
                    .getRuntimeInfo(relayed));
        }
    }

    /**
     * Issue 12 item 2: a connection that never finishes its handshake is closed. Defences, two: the server's
     * handshakeTimeout (ControlServer.HANDSHAKE_TIMEOUT_S, 10 s; gRPC's default is 120 s) and Netty's SslHandler,
     * whose own handshake timeout is 10 s by default. Removing only the first, the connection is still closed
     * at 10 s (tried): this test holds the behaviour, not that one setting. The read waits up to 90 s: room for
     * a loaded machine's late timer.
     */
    @Test
    void aSilentConnectionIsClosedAfterTheHandshakeDeadline() throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(90_000);
            int r;
            try {
                r = s.getInputStream().read();
            } catch (java.net.SocketException reset) {
                r = -1;
            }
            assertEquals(-1, r, "the server closed the silent connection");
        }
    }
}
