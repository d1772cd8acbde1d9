package dev.gewyvern.session.control;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/** Puts the caller's source (its IP address over TCP, "local" on the Unix socket) into the call's context. */
final class CallerSource implements ServerInterceptor {
    static final Context.Key<String> SOURCE = Context.key("gewyvern-caller-source");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return Contexts.interceptCall(Context.current().withValue(SOURCE, of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR))),
                call, headers, next);
    }

    static String of(SocketAddress a) {
        return a instanceof InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress() : "local";
    }

    /** The source of the current call ("local" outside a call). */
    static String current() {
        String s = SOURCE.get();
        return s == null ? "local" : s;
    }
}
