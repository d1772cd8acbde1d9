package dev.gewyvern.session.control;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import dev.gewyvern.session.Engine;
import dev.gewyvern.session.ObjectFiles;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;

/**
 * `gew serve`'s gRPC server on a Unix socket: in a folder of root's alone on a path of root's folders with no
 * symbolic link ({@link SocketFolder}: a missing one is created 0700, an existing one is never changed),
 * socket created 0600, SO_PEERCRED gate for uid 0, one server per socket (a {@link LockFile}, removed on
 * exit), a stale socket removed only when nothing answers on it and it really is a socket. HTTP/2 limits
 * are set on message size, metadata and concurrent calls.
 */
public final class ControlServer implements AutoCloseable {
    public static final Path DEFAULT_SOCKET = Path.of("/run/gewyvern/gewyvern.sock");
    static final int MAX_MESSAGE = 8 << 20;
    static final int MAX_METADATA = 16 << 10;
    static final int MAX_CONCURRENT_CALLS = 64;
    /** The HTTP/2 flow-control window of each connection and stream (fixed, not auto-tuned upwards). */
    static final int FLOW_CONTROL_WINDOW = 1 << 20;
    /** A connection must finish TLS and the HTTP/2 preface within this, or it is closed. */
    static final long HANDSHAKE_TIMEOUT_S = 10;
    /** A connection with no call for this long is closed (a client reconnects when it needs to). */
    static final long MAX_CONNECTION_IDLE_S = 300;
    /** How long shutdown waits for calls in flight before it closes their connections anyway. */
    static final long SHUTDOWN_GRACE_MS = 2_000;

    private final Server server;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ScheduledExecutorService timer;
    /** The Unix socket's lock (null over TCP). */
    private final LockFile lock;
    private final String address;

    private ControlServer(Server server, EventLoopGroup boss, EventLoopGroup workers, ScheduledExecutorService timer,
                          LockFile lock, String address) {
        this.server = server;
        this.boss = boss;
        this.workers = workers;
        this.timer = timer;
        this.lock = lock;
        this.address = address;
    }

    /** The Unix socket's path, or tcp://HOST:PORT. */
    public String address() {
        return address;
    }

    /** The Unix socket (for a Unix-socket server). */
    public Path socket() {
        return Path.of(address);
    }

    /** The TCP port actually bound (for a TCP server started on port 0). */
    public int port() {
        return server.getPort();
    }

    /** As {@link #startUnix(Path, Engine, ObjectFiles, StateDir, Consumer)}, reading no files for the control plane. */
    public static ControlServer startUnix(Path socket, Engine engine, StateDir state, Consumer<String> log) {
        return startUnix(socket, engine, ObjectFiles.NONE, state, log);
    }

    /**
     * Serves on the Unix socket {@code socket}; a pipeline's files (objects by path, target_btf) are read by
     * {@code files}' rule ({@link ObjectFiles#NONE} unless the owner named an object folder).
     */
    public static ControlServer startUnix(Path socket, Engine engine, ObjectFiles files, StateDir state,
                                          Consumer<String> log) {
        return startUnix(socket, engine, files, state, log, System::currentTimeMillis);
    }

    /** As above, with the clock Pair's rate limit counts by (a test stops it, to count without racing it). */
    static ControlServer startUnix(Path socket, Engine engine, ObjectFiles files, StateDir state,
                                   Consumer<String> log, LongSupplier pairClock) {
        Path sock = SocketFolder.prepare(socket); // checked (and made) before anything is created in it
        LockFile lock = LockFile.take(sock.resolveSibling(sock.getFileName() + ".lock"), sock);
        try {
            removeStale(sock);
            NettyServerBuilder b = NettyServerBuilder.forAddress(new DomainSocketAddress(sock.toString()))
                    .channelType(EpollServerDomainSocketChannel.class).protocolNegotiator(new RootPeerNegotiator(log));
            return start(b, engine, files, state, new Pairing(state), new byte[0], pairClock, log, lock,
                    sock.toString());
        } catch (IOException e) {
            lock.release();
            throw new ControlException("cannot serve on " + sock + ": " + e.getMessage());
        } catch (RuntimeException e) {
            lock.release();
            throw e;
        }
    }

    /**
     * Serves on TCP with TLS 1.3 only (never plaintext). The server's certificate key is the one the control
     * plane pins at pairing; the control plane's own certificate carries its Ed25519 key, the one pinned here
     * (mutual TLS): with no pairing token pending, a peer without that key cannot finish a handshake. Every
     * connection counts against {@link ConnectionLimits} sized from the open-file limit, handshakes have a
     * deadline, idle connections are closed, and HTTP/2 streams and windows are bounded.
     */
    public static ControlServer startTcp(String host, int port, Engine engine, StateDir state, Consumer<String> log) {
        return startTcp(host, port, engine, ObjectFiles.NONE, state, log);
    }

    /** As {@link #startTcp(String, int, Engine, StateDir, Consumer)}, reading a pipeline's files by {@code files}' rule. */
    public static ControlServer startTcp(String host, int port, Engine engine, ObjectFiles files, StateDir state,
                                         Consumer<String> log) {
        return startTcp(host, port, engine, files, state, log, System::currentTimeMillis);
    }

    /** As above, with the clock Pair's rate limit counts by (a test stops it, to count without racing it). */
    static ControlServer startTcp(String host, int port, Engine engine, ObjectFiles files, StateDir state,
                                  Consumer<String> log, LongSupplier pairClock) {
        TlsIdentity tls = TlsIdentity.loadOrCreate(state);
        Pairing pairing = new Pairing(state);
        try {
            var ssl = GrpcSslContexts.configure(SslContextBuilder.forServer(tls.key(), tls.certificate()), SslProvider.JDK)
                    .protocols("TLSv1.3").clientAuth(ClientAuth.OPTIONAL)
                    .trustManager(new ClientKeyTrustManager(pairing)).build();
            ConnectionLimits<Channel> limits = new ConnectionLimits<>(ConnectionLimits.Caps.forOpenFileLimit(
                    OpenFileLimit.current()));
            TlsGate gate = new TlsGate(ssl, limits, pairing, log);
            NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                    .channelType(EpollServerSocketChannel.class).protocolNegotiator(gate)
                    .intercept(new PeerGate(gate, log));
            return start(b, engine, files, state, pairing, tls.keySha256(), pairClock, log, null,
                    "tcp://" + host + ":" + port);
        } catch (IOException e) {
            throw new ControlException("cannot serve TLS on " + host + ":" + port + ": " + e.getMessage());
        }
    }

    private static ControlServer start(NettyServerBuilder b, Engine engine, ObjectFiles files, StateDir state, Pairing pairing,
                                       byte[] tlsKeySha256, LongSupplier pairClock, Consumer<String> log,
                                       LockFile lock,
                                       String address) throws IOException {
        Identity identity = Identity.loadOrCreate(state);
        RequestVerifier verifier = new RequestVerifier(pairing, identity.runtimeId(), System.currentTimeMillis(),
                100_000, log);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gew-watch");
            t.setDaemon(true);
            return t;
        });
        EventLoopGroup boss = new EpollEventLoopGroup(1);
        EventLoopGroup workers = new EpollEventLoopGroup(2);
        Server server = b.bossEventLoopGroup(boss).workerEventLoopGroup(workers)
                .maxInboundMessageSize(MAX_MESSAGE).maxInboundMetadataSize(MAX_METADATA)
                .maxConcurrentCallsPerConnection(MAX_CONCURRENT_CALLS)
                .flowControlWindow(FLOW_CONTROL_WINDOW)
                .handshakeTimeout(HANDSHAKE_TIMEOUT_S, TimeUnit.SECONDS)
                .maxConnectionIdle(MAX_CONNECTION_IDLE_S, TimeUnit.SECONDS)
                .maxRstFramesPerWindow(100, 10)
                .addService(ServerInterceptors.intercept(new PairingService(pairing, identity, tlsKeySha256,
                        new PairLimiter(pairClock), log),
                        new CallerSource()))
                .addService(new RuntimeService(engine, files, verifier, () -> RuntimeFacts.current(engine, identity), timer))
                .build();
        try {
            if (lock == null) {
                server.start();
            } else {
                // bind(2) makes the Unix socket 0600 from its first moment (umask 0177 around it), not after a chmod
                dev.gewyvern.syscall.Kernel.get().withUmask(0177, () -> {
                    try {
                        return server.start();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            timer.shutdownNow();
            throw e instanceof java.io.UncheckedIOException u ? u.getCause() : (IOException) e;
        }
        return new ControlServer(server, boss, workers, timer, lock, address);
    }

    /** A socket file left by a dead server is removed; a live one, or anything not a socket, is not. */
    private static void removeStale(Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        BasicFileAttributes a = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isOther()) {
            throw new ControlException(socket + " exists and is not a socket: remove it by hand if it is not needed");
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            throw new ControlException("a server already answers on " + socket);
        } catch (java.net.ConnectException e) {
            Files.delete(socket); // refused: stale
        }
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /**
     * Stops serving within a bounded time: no new connections or calls; calls in flight are cancelled and
     * their connections closed after {@link #SHUTDOWN_GRACE_MS} at most. The event loops are told to stop
     * without being waited for, so nothing here can hang: a caller that must detach sessions afterwards
     * (gew serve's exit) always gets to.
     */
    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(SHUTDOWN_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        timer.shutdownNow();
        if (lock != null) {
            try {
                Files.deleteIfExists(Path.of(address));
            } catch (IOException e) {
                // the next start handles a stale socket
            }
            lock.release(); // the lock file goes too
        }
    }
}
