package dev.gewyvern.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class VerifierStatsTest {
    @Test
    void readsTheKernelsStatisticsLines() {
        String log = "0: (b7) r0 = 0\n1: (95) exit\nverification time 31 usec\nstack depth 0\n"
                + "processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0";
        assertEquals(new VerifierStats(2, 31, 5), VerifierStats.parse(log, 5));
        assertEquals(new VerifierStats(-1, VerifierStats.UNKNOWN, 7), VerifierStats.parse("", 7));
        assertEquals(new VerifierStats(-1, VerifierStats.UNKNOWN, 7), VerifierStats.parse(null, 7));
    }

    @Property
    void anyNumbersRoundTrip(@ForAll @IntRange(min = 0, max = 1_000_000) int insns,
                             @ForAll @LongRange(min = 0, max = 100_000_000L) long usec) {
        String log = "R1 type=ctx\nverification time " + usec + " usec\nstack depth 8\nprocessed " + insns
                + " insns (limit 1000000) max_states_per_insn 1 total_states 3 peak_states 3 mark_read 1\n";
        assertEquals(new VerifierStats(insns, usec, 1), VerifierStats.parse(log, 1));
    }
}
