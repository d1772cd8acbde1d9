package dev.gewyvern.session.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import dev.gewyvern.proto.v1.GetRuntimeInfoRequest;
import dev.gewyvern.proto.v1.RuntimeGrpc;
import dev.gewyvern.proto.v1.SignedRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * Every threat of {@link ControlServerTest} again, over TCP with TLS 1.3 on loopback. Where the Unix
 * socket has its own fences (SO_PEERCRED, the lock file), TCP has its own: no plaintext, one server a port.
 */
class ControlServerTlsTest extends ControlServerTest {
    @Override
    protected boolean tcp() {
        return true;
    }

    /** Over TCP the fence against strangers is TLS: a plaintext peer gets nowhere, a TLS peer is served. */
    @Override
    protected void nonRootPeers() throws Exception {
        ManagedChannel plain = NettyChannelBuilder.forAddress("127.0.0.1", serverPort()).usePlaintext().build();
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> RuntimeGrpc.newBlockingStub(plain)
                    .withDeadlineAfter(60, TimeUnit.SECONDS).getRuntimeInfo(SignedRequest.newBuilder()
                            .setPayload(GetRuntimeInfoRequest.getDefaultInstance().toByteString()).build()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        } finally {
            plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertNotNull(paired().runtimeInfo());
    }

    @Override
    protected void secondServer() {
        ControlException e = assertThrows(ControlException.class,
                () -> ControlServer.startTcp("127.0.0.1", serverPort(), engineForTest(), stateForTest(), line -> { }));
        assertTrue(e.getMessage().contains("cannot serve TLS"), e.getMessage());
    }
}
