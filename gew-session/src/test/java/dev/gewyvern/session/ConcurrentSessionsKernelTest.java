package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gewyvern.proto.v1.PinnedObject;
import dev.gewyvern.proto.v1.SessionRecord;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * 8 sessions applied and detached concurrently, in a loop, for a minute: nothing leaks, all ends consistent.
 * Once in `mvn verify`; bench/soak.sh runs it {@code -Dgew.soak.runs=20} times in a row in one JVM (each run
 * its own engine, its own leak checks, its own line in the report).
 */
class ConcurrentSessionsKernelTest {
    static final Duration RUN = Duration.ofSeconds(Long.getLong("gew.soak.seconds", 60));
    static final int RUNS = Integer.getInteger("gew.soak.runs", 1);

    private static long openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    /** What each open fd of this process names (a leak's message says what the extra one is). */
    private static java.util.Map<String, String> fdTargets() throws IOException {
        java.util.Map<String, String> m = new java.util.TreeMap<>();
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : s.toList()) {
                try {
                    m.put(fd.getFileName().toString(), Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // closed meanwhile (the listing's own fd)
                }
            }
        }
        return m;
    }

    @TestFactory
    java.util.stream.Stream<DynamicTest> eightConcurrentSessionsForAMinuteLeakNothing() {
        return java.util.stream.IntStream.rangeClosed(1, RUNS).mapToObj(i -> DynamicTest.dynamicTest(
                "run " + i + " of " + RUNS, ConcurrentSessionsKernelTest::once));
    }

    private static void once() throws Exception {
        KernelTestSupport.requireBpf();
        PinRoot root = new PinRoot(PinRoot.DEFAULT);
        List<Integer> progIds = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger cycles = new AtomicInteger();
        long fdsBefore;
        String instance;
        try (Engine engine = Engine.start(root, "soak")) {
            instance = engine.instanceId();
            engine.detach(engine.apply(EngineKernelTest.execcount().build(), PhaseListener.SILENT, 1).getSessionId());
            fdsBefore = openFds();
            java.util.Map<String, String> targetsBefore = fdTargets();
            long end = System.nanoTime() + RUN.toNanos();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                workers.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        SessionRecord rec = engine.apply(EngineKernelTest.execcount().build(), PhaseListener.SILENT, 1);
                        for (PinnedObject o : rec.getObjectsList()) {
                            if (o.getKind() == PinnedObject.Kind.PROGRAM) {
                                progIds.add(o.getKernelId());
                            }
                        }
                        assertTrue(engine.exists(rec.getSessionId()));
                        assertEquals(7, engine.detach(rec.getSessionId()));
                        cycles.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
            pool.shutdown();
            assertTrue(engine.ownSessions().isEmpty());
            assertTrue(PinRoot.childFolders(root.sessions(instance)).isEmpty(), "no session left");
            assertTrue(PinRoot.childFolders(root.instance(instance).resolve("staging")).isEmpty(), "no staging left");
            long fdsAfter = openFds();
            if (fdsAfter != fdsBefore) {
                java.util.Map<String, String> after = fdTargets();
                after.entrySet().removeAll(targetsBefore.entrySet());
                assertEquals(fdsBefore, fdsAfter, "no file descriptor leaked; new since the start: " + after);
            }
        }
        assertFalse(Files.exists(root.instance(instance)));
        assertTrue(cycles.get() >= 8, "sessions applied: " + cycles.get());
        // the kernel freed the programs: the last ones, and a sample of the rest
        List<Integer> sample = new ArrayList<>(progIds.subList(Math.max(0, progIds.size() - 16), progIds.size()));
        Collections.shuffle(progIds);
        sample.addAll(progIds.subList(0, Math.min(32, progIds.size())));
        for (int id : sample) {
            assertFalse(EngineKernelTest.progExists(id), "program " + id + " is gone");
        }
        System.out.println("soak: " + cycles.get() + " sessions applied and detached by 8 threads in " + RUN.toSeconds() + " s");
    }
}
