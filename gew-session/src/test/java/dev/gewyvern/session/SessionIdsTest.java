package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session and instance ids are unique by construction (issue 12 item 1). The random source is injected
 * so that collisions happen on purpose: with {@link PinRoot#reserveSession}'s exclusive creation of the
 * staging folder removed (a create that accepts an existing folder), the forced collisions below hand
 * the same id out twice and these tests fail. Folders are plain ones in a temp dir: the reservation is
 * a filesystem rule, the same on bpffs.
 */
class SessionIdsTest {
    /** A source whose first {@code repeats} ids, in each thread, are all the same id ("…-aaaa…a"). */
    private static RandomGenerator collidingFirst(int repeats) {
        ThreadLocal<int[]> calls = ThreadLocal.withInitial(() -> new int[1]);
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return calls.get()[0]++ < repeats * Ids.RANDOM_CHARS ? 0 : ThreadLocalRandom.current().nextLong();
            }
        };
    }

    private static final String ALL_A = "a".repeat(Ids.RANDOM_CHARS);

    /** An instance folder made with a real random source, so the injected one serves sessions only. */
    private static String instance(Path dir) {
        return new PinRoot(dir).reserveInstance();
    }

    @Test
    void aSecondSessionDrawingATakenIdDrawsAgain(@TempDir Path dir) {
        PinRoot root = new PinRoot(dir, collidingFirst(2));
        String instance = instance(dir);
        String first = root.reserveSession(instance, "p");
        String second = root.reserveSession(instance, "p");
        assertEquals("p-" + ALL_A, first);
        assertNotEquals(first, second, "the second reservation drew the taken id and must have drawn again");
        assertTrue(Files.isDirectory(root.staging(instance, first)));
        assertTrue(Files.isDirectory(root.staging(instance, second)));
    }

    @Test
    void aCommittedSessionsIdIsNeverReservedAgain(@TempDir Path dir) throws Exception {
        PinRoot root = new PinRoot(dir, collidingFirst(2));
        String instance = instance(dir);
        String first = root.reserveSession(instance, "p");
        Path committed = root.session(instance, first);
        root.commit(root.staging(instance, first), committed);
        // defence: the check for a committed session of the drawn id; without it the second gets `first`
        String second = root.reserveSession(instance, "p");
        assertNotEquals(first, second);
        assertFalse(Files.exists(root.staging(instance, first)), "the colliding staging folder is given back");
        assertTrue(Files.isDirectory(committed));
    }

    @Test
    void commitNeverRenamesOntoAnExistingSession(@TempDir Path dir) throws Exception {
        PinRoot root = new PinRoot(dir);
        String instance = root.reserveInstance();
        String id = root.reserveSession(instance, "p");
        Files.createDirectories(root.session(instance, id)); // made by something else, empty: rename(2) would replace it
        SessionException e = assertThrows(SessionException.class,
                () -> root.commit(root.staging(instance, id), root.session(instance, id)));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertTrue(Files.isDirectory(root.staging(instance, id)), "the staged session is left for its rollback");
    }

    @Test
    void concurrentTransactionsDrawingOneIdGetDistinctIds(@TempDir Path dir) throws Exception {
        int threads = 8;
        PinRoot root = new PinRoot(dir, collidingFirst(1));
        String instance = instance(dir);
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> ids = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ids.add(pool.submit(() -> {
                    start.await();
                    return root.reserveSession(instance, "race"); // every thread draws "race-aaaa…" first
                }));
            }
            Set<String> distinct = new HashSet<>();
            int gotTheCollidingId = 0;
            for (Future<String> f : ids) {
                String id = f.get();
                distinct.add(id);
                gotTheCollidingId += id.equals("race-" + ALL_A) ? 1 : 0;
            }
            assertEquals(threads, distinct.size(), "ids handed out: " + distinct);
            assertEquals(1, gotTheCollidingId);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void instancesDrawingATakenIdDrawAgain(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("instances"));
        PinRoot root = new PinRoot(dir, collidingFirst(2));
        String first = root.reserveInstance();
        String second = root.reserveInstance();
        assertEquals("i" + ALL_A, first);
        assertNotEquals(first, second);
    }

    @Test
    void aBrokenRandomSourceFailsNamingItInsteadOfLooping(@TempDir Path dir) {
        PinRoot root = new PinRoot(dir, collidingFirst(Integer.MAX_VALUE / Ids.RANDOM_CHARS));
        String instance = instance(dir);
        root.reserveSession(instance, "p");
        SessionException e = assertThrows(SessionException.class, () -> root.reserveSession(instance, "p"));
        assertTrue(e.getMessage().contains("random source is broken"), e.getMessage());
    }

    @Test
    void generatedIdsFitThePatternForEveryPipelineName() {
        RandomGenerator r = new java.security.SecureRandom();
        for (String name : new String[] {"", "a", "execcount", "x".repeat(41), "a-b_c"}) {
            String id = Ids.sessionId(name, r);
            assertTrue(Ids.ID.matcher(id).matches(), id);
            assertTrue(id.endsWith(id.substring(id.length() - Ids.RANDOM_CHARS)));
            assertTrue(id.length() <= 63, id);
        }
        assertTrue(Ids.ID.matcher(Ids.instanceId(r)).matches());
        assertTrue(5 * Ids.RANDOM_CHARS >= 128, "at least 128 random bits");
    }
}
