// SPDX-License-Identifier: MIT
// A whole-path benchmark of the control interface (not a test): a real `gew serve` server in this process
// on a Unix socket, a paired Java client, signed GetRuntimeInfo calls. Prints p50/p99 latency of one
// client's calls, and calls per second for 1,000 calls from 4 concurrent clients.

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.gewyvern.auth.Ed25519;
import dev.gewyvern.client.GewClient;
import dev.gewyvern.session.Engine;
import dev.gewyvern.session.PinRoot;
import dev.gewyvern.session.control.ControlServer;
import dev.gewyvern.session.control.Identity;
import dev.gewyvern.session.control.Pairing;
import dev.gewyvern.session.control.StateDir;

public final class ControlBench {
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("gew-bench");
        StateDir state = new StateDir(dir.resolve("state")).open();
        try (Engine engine = Engine.start(new PinRoot(PinRoot.DEFAULT), "ControlBench");
             ControlServer server = ControlServer.startUnix(dir.resolve("run/gew.sock"), engine, state, l -> { })) {
            KeyPair keys = Ed25519.generate();
            byte[] runtimeKey;
            try (GewClient c = GewClient.unixSocket(server.socket(), keys)) {
                runtimeKey = c.pair(new Pairing(state).newToken(Identity.loadOrCreate(state), Duration.ofMinutes(1), true));
                for (int i = 0; i < 2000; i++) {
                    c.runtimeInfo(); // warm-up
                }
                int n = 2000;
                long[] ns = new long[n];
                for (int i = 0; i < n; i++) {
                    long t = System.nanoTime();
                    c.runtimeInfo();
                    ns[i] = System.nanoTime() - t;
                }
                Arrays.sort(ns);
                System.out.printf("signed GetRuntimeInfo over the Unix socket, 1 client, %d calls: p50 %.3f ms, p99 %.3f ms%n",
                        n, ns[n / 2] / 1e6, ns[(int) (n * 0.99)] / 1e6);
            }
            GewClient[] clients = new GewClient[4];
            for (int i = 0; i < clients.length; i++) {
                clients[i] = GewClient.unixSocket(server.socket(), keys).trustRuntime(runtimeKey);
                clients[i].runtimeInfo();
            }
            ExecutorService pool = Executors.newFixedThreadPool(clients.length);
            long t0 = System.nanoTime();
            Future<?>[] fs = new Future<?>[clients.length];
            for (int i = 0; i < clients.length; i++) {
                GewClient c = clients[i];
                fs[i] = pool.submit(() -> {
                    for (int k = 0; k < 250; k++) {
                        c.runtimeInfo();
                    }
                });
            }
            for (Future<?> f : fs) {
                f.get();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("1,000 signed calls from 4 concurrent clients: %.0f calls/s (%.1f ms in all)%n", 1000 / secs,
                    secs * 1000);
            pool.shutdown();
            for (GewClient c : clients) {
                c.close();
            }
        } finally {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
