package dev.gewyvern.syscall;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What verifying one program cost: instructions the verifier processed, its own time when its log
 * reported it (BPF_LOG_STATS), and the wall time of the BPF_PROG_LOAD call that verified (and JITed) it.
 */
public record VerifierStats(int processedInsns, long verificationMicros, long loadNanos) {
    private static final Pattern PROCESSED = Pattern.compile("(?m)^processed (\\d+) insns");
    private static final Pattern TIME = Pattern.compile("(?m)^verification time (\\d+) usec");

    /** -1: the verifier's own time is not known (a load without a log). */
    public static final long UNKNOWN = -1;

    /** The statistics in a verifier log, with the call's wall time; -1 for what the log does not say. */
    public static VerifierStats parse(String log, long loadNanos) {
        Matcher p = PROCESSED.matcher(log == null ? "" : log);
        Matcher t = TIME.matcher(log == null ? "" : log);
        int processed = -1;
        long micros = UNKNOWN;
        while (p.find()) {
            processed = Integer.parseInt(p.group(1));
        }
        while (t.find()) {
            micros = Long.parseLong(t.group(1));
        }
        return new VerifierStats(processed, micros, loadNanos);
    }
}
