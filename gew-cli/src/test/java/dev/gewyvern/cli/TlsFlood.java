package dev.gewyvern.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFuture;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;

/**
 * An attacker's flood: many TLS connections to one port, each completing its handshake if the server lets
 * it (no client certificate, any server key accepted) and then held open, sending nothing. Counts what the
 * server did with them.
 */
final class TlsFlood implements AutoCloseable {
    private final EpollEventLoopGroup group = new EpollEventLoopGroup(1);
    private final List<Channel> channels = new ArrayList<>();
    final AtomicInteger connected = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    /** Handshakes finished on this side: in TLS 1.3 the client finishes before the server has checked its certificate. */
    final AtomicInteger handshakes = new AtomicInteger();
    final AtomicInteger closedByServer = new AtomicInteger();

    /** Opens {@code count} connections to 127.0.0.1:{@code port}, at most {@code inFlight} connecting at once. */
    void open(int port, int count, int inFlight) throws Exception {
        SslContext ssl = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols("TLSv1.3")
                .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        Bootstrap b = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc(), "127.0.0.1", port));
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
                                    handshakes.incrementAndGet();
                                }
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                closedByServer.incrementAndGet();
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                });
        java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(inFlight);
        for (int i = 0; i < count; i++) {
            slots.acquire();
            ChannelFuture f = b.connect("127.0.0.1", port);
            f.addListener(x -> {
                slots.release();
                if (x.isSuccess()) {
                    connected.incrementAndGet();
                } else {
                    refused.incrementAndGet();
                }
            });
            synchronized (channels) {
                channels.add(f.channel());
            }
        }
        slots.acquire(inFlight);
        slots.release(inFlight);
    }

    /**
     * Waits (at most {@code timeoutMs}, a bound for a loaded machine rather than a timing under test) until
     * {@code done} holds; false if it still does not.
     */
    static boolean await(java.util.function.BooleanSupplier done, long timeoutMs) throws InterruptedException {
        long until = System.nanoTime() + timeoutMs * 1_000_000;
        while (!done.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        return done.getAsBoolean();
    }

    /** Whether the server has closed every connection of the flood. */
    boolean allClosed() {
        return open() == 0;
    }

    /** Connections still open on this side. */
    int open() {
        synchronized (channels) {
            return (int) channels.stream().filter(Channel::isActive).count();
        }
    }

    @Override
    public void close() {
        synchronized (channels) {
            for (Channel c : channels) {
                c.close();
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Override
    public String toString() {
        return "flood: " + connected + " connected, " + refused + " refused, " + handshakes + " TLS handshakes, "
                + closedByServer + " closed by the server, " + open() + " still open";
    }
}
