package dev.gewyvern.session.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The freshness rule of signed requests (issue 12 items 4 and 10). Defence: RequestVerifier.fresh. */
class FreshnessTest {
    private static final long START = 1_800_000_000_000L;

    /** Item 4: a request signed before this process started is refused, even a moment before. */
    @Test
    void nothingSignedBeforeTheProcessStartedIsServed() {
        long now = START + 5_000;
        assertFalse(RequestVerifier.fresh(START - 1, now, START), "signed 1 ms before the start");
        assertFalse(RequestVerifier.fresh(START - 20_000, now, START), "inside the window, before the start");
        assertTrue(RequestVerifier.fresh(START, now, START));
        assertTrue(RequestVerifier.fresh(now, now, START));
    }

    @Test
    void theWindowIsThirtySecondsEitherWay() {
        long now = START + 100_000;
        assertTrue(RequestVerifier.fresh(now - RequestVerifier.WINDOW_MS, now, START));
        assertTrue(RequestVerifier.fresh(now + RequestVerifier.WINDOW_MS, now, START));
        assertFalse(RequestVerifier.fresh(now - RequestVerifier.WINDOW_MS - 1, now, START));
        assertFalse(RequestVerifier.fresh(now + RequestVerifier.WINDOW_MS + 1, now, START));
    }

    /**
     * Item 10: no timestamp gets in by overflow. The old rule, |now - ts| <= 30 s, let in the one ts whose
     * difference from now is Long.MIN_VALUE (Math.abs of it is negative): see theExtremesAreRefused, which
     * names it; a random long almost never is it.
     */
    @Property(tries = 500)
    void farTimestampsAreRefusedWhateverTheStart(@ForAll long ts, @ForAll long start) {
        long now = START;
        if (ts < now - RequestVerifier.WINDOW_MS || ts > now + RequestVerifier.WINDOW_MS) {
            assertFalse(RequestVerifier.fresh(ts, now, Math.min(start, now)), "ts " + ts);
        }
    }

    /**
     * Item 10: the extremes, and the one timestamp the old rule let in by overflow: now - ts == Long.MIN_VALUE,
     * whose Math.abs is negative and so "within" 30 s (with a start as early as can be, so that only the window
     * stands in its way). Defence: RequestVerifier.fresh comparing without subtracting ts.
     */
    @Test
    void theExtremesAreRefused() {
        long overflows = START + Long.MIN_VALUE; // START - ts wraps to Long.MIN_VALUE
        for (long ts : new long[] {Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE, -1, 0, overflows}) {
            assertFalse(RequestVerifier.fresh(ts, START, Long.MIN_VALUE), "ts " + ts);
        }
    }
}
