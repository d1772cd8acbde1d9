package dev.gewyvern.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The kernel's time since boot (CLOCK_BOOTTIME, as /proc/uptime counts it) turned into wall-clock time. */
final class BootClock {
    private BootClock() {
    }

    /**
     * The Unix time in milliseconds of {@code bootNanos} after boot (e.g. bpf_prog_info.load_time), as bpftool
     * computes its loaded_at; to within /proc/uptime's 10 ms. 0 when /proc/uptime cannot be read.
     */
    static long unixMillis(long bootNanos) {
        String uptime;
        try {
            uptime = Files.readString(Path.of("/proc/uptime")).trim();
        } catch (IOException e) {
            return 0;
        }
        long now = System.currentTimeMillis();
        long upMillis = new java.math.BigDecimal(uptime.substring(0, uptime.indexOf(' '))).movePointRight(3).longValue();
        return now - upMillis + bootNanos / 1_000_000;
    }
}
