package dev.gewyvern.session.control;

import java.util.function.Consumer;

import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.PeerCredentials;
import io.grpc.netty.shaded.io.netty.util.AsciiString;

/**
 * The SO_PEERCRED gate of the Unix socket: before any HTTP/2 byte is read, a connection whose peer is
 * not uid 0 is closed. The file mode of the socket is the first fence; this holds even if someone makes
 * the socket 0777.
 */
final class RootPeerNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {
    private final InternalProtocolNegotiator.ProtocolNegotiator plaintext = InternalProtocolNegotiators.serverPlaintext();
    private final Consumer<String> log;

    RootPeerNegotiator(Consumer<String> log) {
        this.log = log;
    }

    @Override
    public AsciiString scheme() {
        return plaintext.scheme();
    }

    @Override
    public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
        ChannelHandler next = plaintext.newHandler(grpcHandler);
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
                int uid = -1;
                int pid = -1;
                if (ctx.channel() instanceof EpollDomainSocketChannel ch) {
                    PeerCredentials c = ch.peerCredentials();
                    uid = c.uid();
                    pid = c.pid();
                }
                if (uid != 0) {
                    log.accept("closed a connection from uid " + uid + " (pid " + pid + "): only root may use the socket");
                    ctx.close();
                    return;
                }
                ctx.pipeline().replace(this, null, next);
            }
        };
    }

    @Override
    public void close() {
        plaintext.close();
    }
}
