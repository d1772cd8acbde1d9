package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The kernel's random bytes as ids use them: no repeats, every bit about half the time, bounds kept. */
class KernelRandomTest {
    @Test
    void tenThousandDrawsNeverRepeatAndEveryBitIsSetAboutHalfTheTime() {
        Set<Long> seen = new HashSet<>();
        int[] ones = new int[64];
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            long v = KernelRandom.INSTANCE.nextLong();
            assertTrue(seen.add(v), "a 64-bit draw repeated");
            for (int b = 0; b < 64; b++) {
                ones[b] += (int) (v >>> b & 1);
            }
        }
        for (int b = 0; b < 64; b++) {
            // 20 standard deviations from n/2: only a broken source lands outside
            assertTrue(Math.abs(ones[b] - n / 2) < 1000, "bit " + b + " set " + ones[b] + " times of " + n);
        }
    }

    @Test
    void idsDrawnFromItAreWellFormedAndDistinct() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = Ids.sessionId("p", KernelRandom.INSTANCE);
            assertTrue(ids.add(id));
            assertEquals(Ids.RANDOM_CHARS + 2, id.length(), id);
        }
    }
}
