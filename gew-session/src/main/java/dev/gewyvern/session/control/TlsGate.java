package dev.gewyvern.session.control;

import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import dev.gewyvern.auth.Ed25519;
import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import io.grpc.netty.shaded.io.netty.util.AsciiString;

/**
 * The TCP server's front door, in front of gRPC's own TLS negotiation. Every accepted connection is
 * counted against {@link ConnectionLimits} (the oldest unauthenticated one closed to make room), and
 * its TLS handshake decides what it is:
 * <ul>
 *   <li>its client certificate carries the paired control plane's Ed25519 key: authenticated (mutual TLS);
 *   <li>no key is pinned that it matches, but a pairing token is pending: a pairing connection, which
 *       may call Pairing/Pair only ({@link PeerGate}) and is closed after {@link #PAIRING_CONNECTION_MS}
 *       unless the key it presented has been paired meanwhile;
 *   <li>otherwise it never gets that far: with no token pending a client certificate is required and
 *       only the pinned key is trusted ({@link ClientKeyTrustManager}), so a stranger's handshake fails
 *       and the stranger never reaches HTTP/2.
 * </ul>
 */
final class TlsGate implements InternalProtocolNegotiator.ProtocolNegotiator {
    /** How long a connection that is not the paired control plane's may stay to pair. */
    static final long PAIRING_CONNECTION_MS = 30_000;

    private final InternalProtocolNegotiator.ProtocolNegotiator tls;
    private final ConnectionLimits<Channel> limits;
    private final Pairing pairing;
    private final Consumer<String> log;

    TlsGate(SslContext ssl, ConnectionLimits<Channel> limits, Pairing pairing, Consumer<String> log) {
        this.tls = InternalProtocolNegotiators.serverTls(ssl);
        this.limits = limits;
        this.pairing = pairing;
        this.log = log;
    }

    @Override
    public AsciiString scheme() {
        return tls.scheme();
    }

    @Override
    public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
        return new Door(tls.newHandler(grpcHandler));
    }

    @Override
    public void close() {
        tls.close();
    }

    /** The raw Ed25519 key of the client certificate of a TLS session, or null when it presented none. */
    static byte[] clientKey(SSLSession session) {
        if (session == null) {
            return null;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                return null;
            }
            return Ed25519.raw(leaf.getPublicKey());
        } catch (SSLPeerUnverifiedException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether {@code key} is the paired control plane's key, now. */
    boolean isPaired(byte[] key) {
        var peer = pairing.peer();
        return key != null && peer != null && MessageDigest.isEqual(peer.getPublicKey().toByteArray(), key);
    }

    /** Counts the connection, hands it to gRPC's TLS handler, and sorts it once its handshake is done. */
    private final class Door extends ChannelInboundHandlerAdapter {
        private final ChannelHandler next;

        Door(ChannelHandler next) {
            this.next = next;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            Channel ch = ctx.channel();
            String source = ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "?";
            for (Channel old : limits.admit(ch, source)) {
                old.close();
            }
            ch.closeFuture().addListener(f -> limits.remove(ch));
            ctx.pipeline().addAfter(ctx.name(), null, next);
            watch(ctx);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.fireChannelActive(); // gRPC's handler may wait for this to put its SslHandler in
            watch(ctx);
        }

        /** Once gRPC's TLS handler has put its SslHandler in, sets it up and leaves the pipeline. */
        private void watch(ChannelHandlerContext ctx) {
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            if (ssl == null || ctx.isRemoved()) {
                return;
            }
            // no token pending: only the paired key may even finish a handshake (setting "need" false would
            // also clear "want", so each case sets its own)
            if (pairing.pending() == null) {
                ssl.engine().setNeedClientAuth(true);
            } else {
                ssl.engine().setWantClientAuth(true);
            }
            ssl.handshakeFuture().addListener(f -> {
                if (f.isSuccess()) {
                    sort(ctx.channel(), ssl.engine().getSession());
                }
            });
            ctx.pipeline().remove(this);
        }

        private void sort(Channel ch, SSLSession session) {
            byte[] key = clientKey(session);
            if (isPaired(key)) {
                promote(ch);
            } else if (pairing.pending() != null) {
                ch.eventLoop().schedule(() -> {
                    if (isPaired(key)) {
                        promote(ch); // it paired on this very connection
                    } else {
                        ch.close();
                    }
                }, PAIRING_CONNECTION_MS, TimeUnit.MILLISECONDS);
            } else {
                ch.close(); // unreachable with the trust manager, kept as the last word
            }
        }

        private void promote(Channel ch) {
            for (Channel old : limits.authenticate(ch)) {
                if (old != ch) {
                    log.accept("closed the oldest of " + limits.caps().authenticated()
                            + " connections of the paired control plane to make room");
                }
                old.close();
            }
        }
    }
}
