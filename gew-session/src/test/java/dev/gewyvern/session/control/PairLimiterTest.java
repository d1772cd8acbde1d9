package dev.gewyvern.session.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** Issue 12 item 7: Pair is rate limited per source. Defence: PairLimiter (per-source and overall windows). */
class PairLimiterTest {
    @Test
    void oneSourceSpendingItsAttemptsLeavesOthersTheirs() {
        AtomicLong now = new AtomicLong(1_000_000);
        PairLimiter l = new PairLimiter(now::get);
        for (int i = 0; i < PairLimiter.PER_SOURCE; i++) {
            assertTrue(l.allow("203.0.113.7"));
        }
        assertFalse(l.allow("203.0.113.7"), "the source is over its share");
        assertTrue(l.allow("198.51.100.1"), "another source still gets through");
        now.addAndGet(PairLimiter.WINDOW_MS);
        assertTrue(l.allow("203.0.113.7"), "a new window");
    }

    @Test
    void manySourcesTogetherAreCappedToo() {
        AtomicLong now = new AtomicLong(5);
        PairLimiter l = new PairLimiter(now::get);
        int allowed = 0;
        for (int i = 0; i < 3 * PairLimiter.OVERALL; i++) {
            allowed += l.allow("10.0." + (i / 256) + "." + (i % 256)) ? 1 : 0;
        }
        assertTrue(allowed == PairLimiter.OVERALL, "allowed " + allowed);
    }

    @Test
    void aClockGoingBackwardsStartsANewWindowRatherThanLockingOut() {
        AtomicLong now = new AtomicLong(50_000);
        PairLimiter l = new PairLimiter(now::get);
        for (int i = 0; i <= PairLimiter.PER_SOURCE; i++) {
            l.allow("s");
        }
        now.set(10_000);
        assertTrue(l.allow("s"));
    }
}
