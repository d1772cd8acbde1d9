package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * `--watch` on sessions whose maps cannot all be read by lookup (a ring buffer, a perf event array) goes on
 * to the end and never ends the session early; each look shows the top --limit entries of a counting map,
 * with how much each moved since the last look.
 */
class WatchIT {
    @Test
    void aWatchOfRingAndPerfMapsDescribesThemAndHoldsToTheEnd() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("session", "apply", "testdata/pipelines/execsnoop.txtpb", "--watch", "300ms",
                "--duration", "2s");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("-- 0.3s --") || r.out().contains("-- 0.4s --"), r.out());
        // each look is the map table: a ring's positions and a perf event array's readers in its notes
        assertTrue(r.out().lines().anyMatch(l -> l.matches("execs\\s+ringbuf\\s+.*\\d+\\s+262144 B ring, consumer at \\d+.*")),
                r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("exec_perf_events\\s+perf_event_array\\s+.*\\d+\\s+.*")),
                r.out());
        assertTrue(r.out().replaceAll("\\s+", " ").contains("no reader (--events exec_perf_events reads it)"), r.out()); // the notes column may wrap
        assertFalse(r.out().contains("cannot read"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("detached session execsnoop-\\S+ after 2\\.0s .*")), r.out());
    }

    @Test
    void eachLookShowsTheTopEntriesAndTheirDeltas() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("session", "apply", "testdata/pipelines/execcount.txtpb", "--watch", "300ms",
                "--limit", "1", "--run", "for i in 1 2 3 4 5 6 7 8; do /bin/true; /bin/true; sleep 0.2; done");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("exec_counts\\s+hash\\s+char\\[16\\]\\s+__u64\\s+\\d+\\s+"
                + "\\d+/1024\\s+.*")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("exec_counts \\(1 of \\d+ entries, largest first\\)")), r.out());
        // a later look shows a count that moved: "+N" after the value
        assertTrue(r.out().lines().anyMatch(l -> l.matches("  \"\\S.*\"\\s+\\d+\\s+\\+\\d+")), r.out());
    }
}
