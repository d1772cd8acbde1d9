package dev.gewyvern.session.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.gewyvern.session.Engine;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;

/**
 * `gew serve`'s gRPC server on a Unix socket: in a 0700 root folder, socket 0600, SO_PEERCRED gate for
 * uid 0, one server per socket (a lock file), a stale socket removed only when nothing answers on it and
 * it really is a socket. HTTP/2 limits are set on message size, metadata and concurrent calls.
 */
public final class ControlServer implements AutoCloseable {
    public static final Path DEFAULT_SOCKET = Path.of("/run/gewyvern/gewyvern.sock");
    static final int MAX_MESSAGE = 8 << 20;
    static final int MAX_METADATA = 16 << 10;
    static final int MAX_CONCURRENT_CALLS = 64;

    private final Server server;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ScheduledExecutorService timer;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Path socket;

    private ControlServer(Server server, EventLoopGroup boss, EventLoopGroup workers, ScheduledExecutorService timer,
                          FileChannel lockChannel, FileLock lock, Path socket) {
        this.server = server;
        this.boss = boss;
        this.workers = workers;
        this.timer = timer;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }

    public static ControlServer startUnix(Path socket, Engine engine, StateDir state, Consumer<String> log) {
        Path dir = socket.toAbsolutePath().getParent();
        prepareFolder(dir);
        FileChannel lockChannel;
        FileLock lock;
        try {
            lockChannel = FileChannel.open(dir.resolve(socket.getFileName() + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new ControlException("cannot open the lock file beside " + socket + ": " + e.getMessage());
        }
        try {
            lock = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException | IOException e) {
            lock = null; // held by this very process, or not to be had
        }
        if (lock == null) {
            closeQuietly(lockChannel);
            throw new ControlException("another gew serve holds " + socket + " (its lock file is taken)");
        }
        try {
            removeStale(socket);
            Identity identity = Identity.loadOrCreate(state);
            Pairing pairing = new Pairing(state);
            RequestVerifier verifier = new RequestVerifier(pairing, identity.runtimeId(), System.currentTimeMillis(),
                    100_000, log);
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "gew-watch");
                t.setDaemon(true);
                return t;
            });
            EventLoopGroup boss = new EpollEventLoopGroup(1);
            EventLoopGroup workers = new EpollEventLoopGroup(2);
            Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                    .channelType(EpollServerDomainSocketChannel.class).bossEventLoopGroup(boss).workerEventLoopGroup(workers)
                    .protocolNegotiator(new RootPeerNegotiator(log))
                    .maxInboundMessageSize(MAX_MESSAGE).maxInboundMetadataSize(MAX_METADATA)
                    .maxConcurrentCallsPerConnection(MAX_CONCURRENT_CALLS)
                    .maxRstFramesPerWindow(100, 10)
                    .addService(new PairingService(pairing, identity, log))
                    .addService(new RuntimeService(engine, verifier, () -> RuntimeFacts.current(identity), timer))
                    .build();
            server.start();
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            return new ControlServer(server, boss, workers, timer, lockChannel, lock, socket);
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new ControlException("cannot serve on " + socket + ": " + e.getMessage());
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    private static void prepareFolder(Path dir) {
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new ControlException(dir + " must be a folder, not a link or a file");
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new ControlException("cannot prepare the socket folder " + dir + ": " + e.getMessage());
        }
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

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        timer.shutdownNow();
        try {
            Files.deleteIfExists(socket);
            lock.release();
        } catch (IOException e) {
            // the next start handles a stale socket
        }
        closeQuietly(lockChannel);
    }
}
