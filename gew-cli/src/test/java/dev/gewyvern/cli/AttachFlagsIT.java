package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** New attach kinds from the command line: `gew session apply --object ... --attach raw_tp:... perf_event:...`. */
class AttachFlagsIT {
    @Test
    void rawTracepointAndPerfEventFromFlagsCountWhileTheSessionHolds() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("session", "apply", "--object", "testdata/obj/attachkinds.bpf.o",
                "--program", "count_raw_tp", "--attach", "raw_tp:sched_process_exec",
                "--program", "count_perf", "--attach", "perf_event:cpu-clock:0:1000000",
                "--watch", "300ms", "--run", "for i in 1 2 3; do /bin/true; sleep 0.2; done");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("attach   program count_raw_tp -> raw_tp:sched_process_exec"), r.toString());
        assertTrue(r.out().contains("attach   program count_perf -> perf_event:cpu-clock:0:1000000"), r.toString());
        // the last watch shows slot 0 (execs) and slot 2 (cpu-clock samples) counted
        Matcher m = Pattern.compile("(?m)^\\s+0\\s+(\\d+)\\s*$").matcher(r.out());
        long execs = 0;
        while (m.find()) {
            execs = Long.parseLong(m.group(1));
        }
        assertTrue(execs >= 3, "execs counted by raw_tp:\n" + r.out());
        Matcher samples = Pattern.compile("(?m)^\\s+2\\s+(\\d+)\\s*$").matcher(r.out());
        long clock = 0;
        while (samples.find()) {
            clock = Long.parseLong(samples.group(1));
        }
        assertTrue(clock > 0, "cpu-clock samples counted by perf_event:\n" + r.out());
    }
}
