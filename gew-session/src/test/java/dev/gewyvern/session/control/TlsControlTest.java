package dev.gewyvern.session.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
                    .withDeadlineAfter(5, TimeUnit.SECONDS).getRuntimeInfo(dev.gewyvern.proto.v1.SignedRequest
                            .newBuilder().setPayload(GetRuntimeInfoRequest.getDefaultInstance().toByteString()).build()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
        } finally {
            plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
