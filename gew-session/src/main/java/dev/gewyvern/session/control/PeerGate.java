package dev.gewyvern.session.control;

import java.util.function.Consumer;

import dev.gewyvern.proto.v1.PairingGrpc;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Over TCP, a call other than Pairing/Pair is served only on a connection whose TLS client certificate is
 * the paired control plane's key (checked against the pin as it is now, so an unpair takes effect at
 * once). Every refusal is the same bare UNAUTHENTICATED the signature checks give.
 */
final class PeerGate implements ServerInterceptor {
    private final TlsGate gate;
    private final Consumer<String> log;

    PeerGate(TlsGate gate, Consumer<String> log) {
        this.gate = gate;
        this.log = log;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (method.equals(PairingGrpc.getPairMethod().getFullMethodName())
                || gate.isPaired(TlsGate.clientKey(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION)))) {
            return next.startCall(call, headers);
        }
        log.accept("refused " + RequestVerifier.escape(method) + ": the connection's TLS client key is not the paired one");
        call.close(Status.UNAUTHENTICATED, new Metadata());
        return new ServerCall.Listener<>() { };
    }
}
