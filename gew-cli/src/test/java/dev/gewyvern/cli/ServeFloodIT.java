package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.gewyvern.auth.Ed25519;
import dev.gewyvern.auth.PairingToken;
import dev.gewyvern.client.GewClient;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.Tracepoint;
import org.junit.jupiter.api.Test;

/**
 * The flood test (issue 12): `gew serve --listen tcp://127.0.0.1:0` started with `ulimit -n 2048`; a few
 * thousand unauthenticated TLS connections thrown at it and held, with no pairing token pending (mutual TLS:
 * none finishes a handshake) and with one pending (they finish TLS and are held, up to the caps); the server
 * driven into fd exhaustion and out again; a paired client served throughout; and SIGTERM, under a held
 * flood, ending the server within seconds with its session detached.
 */
class ServeFloodIT {
    private static final int FLOOD = 2000;
    private static final Pattern PORT = Pattern.compile("tcp://127\\.0\\.0\\.1:(\\d+)");

    @Test
    void aFloodOfStrangersNeitherStarvesThePairedClientNorStopsShutdown() throws Exception {
        Gew.requireBpf();
        Path dir = Files.createTempDirectory("gew-flood");
        Path state = dir.resolve("state");
        Path log = dir.resolve("serve.log");
        List<String> lowFdLimit = List.of("bash", "-c", "ulimit -n 2048 && exec \"$@\"", "gew-flood");
        try (Gew.Running serve = new Gew.Running(lowFdLimit, ProcessBuilder.Redirect.to(log.toFile()),
                "serve", "--listen", "tcp://127.0.0.1:0", "--state-dir", state.toString())) {
            Matcher m = PORT.matcher(serve.awaitLine("listening on"));
            assertTrue(m.find());
            int port = Integer.parseInt(m.group(1));
            KeyPair keys = Ed25519.generate();
            Path sessionDir;
            try (GewClient client = GewClient.tcp("127.0.0.1", port, keys, null)) {
                byte[] runtimeKey = client.pair(token(state, false));
                byte[] tlsKey = client.tlsKeySha256();
                var rec = client.apply(pipeline()).getRecord();
                sessionDir = Path.of("/sys/fs/bpf/gewyvern/instances", rec.getInstanceId(), "sessions", rec.getSessionId());
                assertTrue(Files.isDirectory(sessionDir));

                long pid = serve.process.pid();
                long base = openFds(pid); // serving one paired client, holding no stranger

                t0 = System.nanoTime();
                // 1. no token pending: the server refuses every stranger's certificate-less handshake and holds none
                try (TlsFlood flood = new TlsFlood()) {
                    flood.open(port, FLOOD, 256);
                    say("no token pending", flood);
                    servedDuring(client, port, keys, tlsKey, runtimeKey, flood);
                    assertTrue(TlsFlood.await(flood::allClosed, 60_000), "the server still holds strangers: " + flood);
                }

                // 2. a token pending: strangers finish TLS (they might be about to pair) and are held, up to the caps
                token(state, true);
                try (TlsFlood flood = new TlsFlood()) {
                    flood.open(port, FLOOD, 256);
                    // the connects are done, not the server's work on them: wait (bounded) until it has let some
                    // finish TLS and closed some to stay within its caps
                    assertTrue(TlsFlood.await(() -> flood.handshakes.get() > 0 && flood.closedByServer.get() > 0, 60_000),
                            "held strangers were not capped: " + flood);
                    say("token pending", flood);
                    servedDuring(client, port, keys, tlsKey, runtimeKey, flood);
                }

                // 3. fd exhaustion: the server's open-file limit lowered to what it holds, a flood, the limit back.
                // First the server lets go of the last flood's strangers (bounded wait), so that the limit is far
                // below what the new flood makes it hold (up to the per-source cap, 56 here) and accept(2) must fail
                assertTrue(TlsFlood.await(() -> openFds(pid) <= base + 8, 60_000),
                        "the server still holds the last flood: " + openFds(pid) + " fds, " + base + " before the floods");
                long open = openFds(pid);
                prlimit(pid, open + 4);
                try (TlsFlood flood = new TlsFlood()) {
                    flood.open(port, 500, 256);
                    // the limit goes back up only once the whole flood has run its course under it (each connection
                    // refused, evicted, closed after its 30 s to pair, or given up by the flood's own 10 s TLS
                    // handshake timeout; bounded wait). The server wanted to hold up to the per-source cap (56 here),
                    // far above the 4 fds it had, so its accept(2) met EMFILE: gew serve's log shows Netty's
                    // "accept(..) failed ... Too many open files" lines. (Sampling the server's fd count for the limit
                    // was tried and missed it: an eviction frees an fd between two samples.)
                    assertTrue(TlsFlood.await(flood::allClosed, 90_000), "the server never dealt with the flood: " + flood);
                    say("server out of file descriptors", flood);
                    prlimit(pid, 2048);
                }
                // served again once file descriptors are free (before the fix the accept loop had died for good);
                // the server first works through the backlog the flood left, so a new connection may wait for it
                servedWithin(60, "served again once file descriptors were free", port, keys, tlsKey, runtimeKey, null);

                // 4. SIGTERM under a held flood: the server exits within seconds and detaches its session
                token(state, true);
                try (TlsFlood flood = new TlsFlood()) {
                    flood.open(port, FLOOD / 2, 256);
                    long t0 = System.nanoTime();
                    serve.process.destroy(); // SIGTERM
                    assertTrue(serve.process.waitFor(15, TimeUnit.SECONDS), "gew serve did not exit within 15 s of SIGTERM");
                    System.out.printf("gew serve exited %d ms after SIGTERM under a held flood (%s)%n",
                            (System.nanoTime() - t0) / 1_000_000, flood);
                }
            }
            assertFalse(Files.exists(sessionDir, LinkOption.NOFOLLOW_LINKS), "serve detached its session");
        } finally {
            if (Files.exists(log)) {
                List<String> lines = Files.readAllLines(log);
                System.out.println("serve log (" + lines.size() + " lines), last 20:");
                lines.subList(Math.max(0, lines.size() - 20), lines.size()).forEach(System.out::println);
            }
            Gew.deleteTree(dir);
        }
    }

    /** The paired client's own connection, and a fresh connection of it, are both served while the flood holds. */
    private static void servedDuring(GewClient client, int port, KeyPair keys, byte[] tlsKey, byte[] runtimeKey,
                                     TlsFlood flood) {
        assertNotNull(client.runtimeInfo(), flood.toString());
        servedWithin(60, "a fresh connection of the paired client, during the flood", port, keys, tlsKey, runtimeKey,
                flood);
    }

    /**
     * A fresh connection of the paired client is served within {@code seconds}. Each try is a new client (whose
     * TLS handshake gives up after 10 s); on a machine as loaded as a shared CI box the server may take more
     * than one handshake's time to reach a new connection behind a flood's backlog, which is no starvation:
     * a real client reconnects the same way. The tries taken are printed.
     */
    private static void servedWithin(int seconds, String what, int port, KeyPair keys, byte[] tlsKey, byte[] runtimeKey,
                                     TlsFlood flood) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        for (int tries = 1; ; tries++) {
            try (GewClient fresh = GewClient.tcp("127.0.0.1", port, keys, tlsKey)) {
                fresh.trustRuntime(runtimeKey);
                assertNotNull(fresh.runtimeInfo());
                System.out.printf("%6d ms  %s: served (try %d)%n", (System.nanoTime() - t0) / 1_000_000, what, tries);
                return;
            } catch (io.grpc.StatusRuntimeException e) {
                if (e.getStatus().getCode() != io.grpc.Status.Code.UNAVAILABLE || System.nanoTime() > deadline) {
                    throw new AssertionError(what + ": not served within " + seconds + " s (" + tries + " tries)"
                            + (flood == null ? "" : "; " + flood), e);
                }
            }
        }
    }

    private static long t0 = System.nanoTime();

    /** The fds process {@code pid} has open now (-1 once it is gone). */
    private static long openFds(long pid) {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static void say(String phase, TlsFlood flood) {
        System.out.printf("%6d ms  flood, %s: %s%n", (System.nanoTime() - t0) / 1_000_000, phase, flood);
    }

    private static PairingToken token(Path state, boolean replace) throws Exception {
        Gew.Result pair = replace ? Gew.run("pair", "--state-dir", state.toString(), "--ttl", "2m", "--replace")
                : Gew.run("pair", "--state-dir", state.toString(), "--ttl", "2m");
        assertEquals(0, pair.exit(), pair.toString());
        return PairingToken.parse(pair.out().lines().filter(l -> l.startsWith("GEW1.")).findFirst().orElseThrow());
    }

    /** Sets the soft open-file limit of {@code pid} (the hard one stays 2048: lowering it could not be undone). */
    private static void prlimit(long pid, long nofile) throws Exception {
        Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--nofile=" + nofile + ":2048")
                .inheritIO().start();
        assertEquals(0, p.waitFor(), "prlimit");
    }

    private static Pipeline pipeline() throws java.io.IOException {
        return Pipeline.newBuilder().setName("flood")
                .addObjects(BpfObject.newBuilder().setId("execcount").setContent(com.google.protobuf.ByteString
                        .copyFrom(Files.readAllBytes(Gew.repo().resolve("testdata/obj/execcount.bpf.o")))))
                .addPrograms(Program.newBuilder().setObject("execcount").setName("count_exits")
                        .setAttach(AttachTarget.newBuilder().setTracepoint(Tracepoint.newBuilder()
                                .setCategory("sched").setName("sched_process_exit")))).build();
    }
}
