package dev.gewyvern.session.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.gewyvern.auth.Ed25519;
import dev.gewyvern.auth.PairingToken;
import dev.gewyvern.auth.PairingTranscript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pairing state file's rules (issue 12 items 7, 8 and 10). Needs root: the state folder must be root's. */
class PairingTest {
    private static Pairing pairing(Path dir) {
        return new Pairing(new StateDir(dir.resolve("state")).open());
    }

    private static Identity identity(Path dir) {
        return Identity.loadOrCreate(new StateDir(dir.resolve("state")).open());
    }

    /** Item 8. Defence: Pairing.complete re-reads and consumes the pending token under one lock. */
    @Test
    void aTokenIsConsumedOnce(@TempDir Path dir) {
        Pairing p = pairing(dir);
        PairingToken t = p.newToken(identity(dir), Duration.ofMinutes(1), false);
        byte[] first = Ed25519.raw(Ed25519.generate().getPublic());
        byte[] second = Ed25519.raw(Ed25519.generate().getPublic());
        assertTrue(p.complete(t.tokenId(), first));
        assertFalse(p.complete(t.tokenId(), second), "the second use of the same token");
        assertArrayEquals(first, p.peer().getPublicKey().toByteArray(), "the first pairing stands");
    }

    /**
     * Item 8, as it happens: Pair calls racing with one token (8 threads released at once, 20 rounds) pair once
     * per token. Defence: Pairing.complete's lock, making the check and the consumption one step (without it
     * two calls both see the token pending and both pair, or their state writes collide).
     */
    @Test
    void racingUsesOfOneTokenPairOnce(@TempDir Path dir) throws Exception {
        Pairing p = pairing(dir);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 20; round++) {
                PairingToken t = p.newToken(identity(dir), Duration.ofMinutes(1), true);
                CyclicBarrier go = new CyclicBarrier(threads);
                List<Future<Boolean>> uses = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    byte[] key = Ed25519.raw(Ed25519.generate().getPublic());
                    uses.add(pool.submit(() -> {
                        go.await(60, TimeUnit.SECONDS);
                        return p.complete(t.tokenId(), key);
                    }));
                }
                int paired = 0;
                for (Future<Boolean> u : uses) {
                    paired += u.get(60, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(1, paired, "round " + round + ": uses of one token that paired");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Item 7. Defence: recordFailure counts only attempts that name the pending token's id. */
    @Test
    void onlyAttemptsNamingTheTokenCountAgainstIt(@TempDir Path dir) {
        Pairing p = pairing(dir);
        PairingToken t = p.newToken(identity(dir), Duration.ofMinutes(1), false);
        for (int i = 0; i < 10 * Pairing.MAX_ATTEMPTS; i++) {
            p.recordFailure(new byte[16]);
        }
        assertNotNull(p.pending(), "blind attempts burn nothing");
        for (int i = 0; i < Pairing.MAX_ATTEMPTS; i++) {
            p.recordFailure(t.tokenId());
        }
        assertNull(p.pending(), "attempts that name it burn it");
    }

    /**
     * Item 10: the state file keeps nothing that could pair: not the secret, not a symmetric key derived
     * from it (the old MAC key, SHA-256 of a label and the secret), not the token key's private seed: only
     * the token key's public half. Defence: Pairing.newToken storing PairingTranscript.tokenKey's public key
     * (storing the old MAC key fails the first check).
     */
    @Test
    void theStateFileHoldsNothingThatCouldPair(@TempDir Path dir) throws Exception {
        Pairing p = pairing(dir);
        PairingToken t = p.newToken(identity(dir), Duration.ofMinutes(1), false);
        byte[] stored = java.nio.file.Files.readAllBytes(dir.resolve("state").resolve(Pairing.TOKEN));
        byte[] v1MacKey = Ed25519.sha256("GEW-PAIR-V1 mac key".getBytes(StandardCharsets.US_ASCII), t.secret());
        byte[] seed = Ed25519.sha256("GEW-PAIR-V2 token key\0".getBytes(StandardCharsets.US_ASCII), t.secret());
        for (byte[] secretish : new byte[][] {t.secret(), v1MacKey, seed}) {
            assertFalse(contains(stored, secretish), "the token file holds a secret-derived value");
        }
        assertArrayEquals(Ed25519.raw(PairingTranscript.tokenKey(t.secret()).getPublic()),
                p.pending().getTokenPublicKey().toByteArray());
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
