package dev.gewyvern.syscall.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;

/**
 * The kernel's CPU lists: /sys/devices/system/cpu/possible (what per-CPU maps and perf event arrays are
 * sized by, as libbpf counts them) and .../online (where a perf buffer can open its rings).
 */
public final class Cpus {
    static final Path POSSIBLE = Path.of("/sys/devices/system/cpu/possible");
    static final Path ONLINE = Path.of("/sys/devices/system/cpu/online");
    private static volatile int possible;

    private Cpus() {
    }

    /** The number of possible CPUs: the highest CPU number in the possible list, plus one. */
    public static int possible() {
        int n = possible;
        if (n == 0) {
            possible = n = read(POSSIBLE).length();
        }
        return n;
    }

    /** The CPUs that are online now. */
    public static BitSet online() {
        return read(ONLINE);
    }

    private static BitSet read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new BpfException("read " + file, Errno.ENOENT, "the kernel's CPU list cannot be read: " + e, null);
        } catch (IllegalArgumentException e) {
            throw new BpfException("read " + file, Errno.EINVAL, e.getMessage(), null);
        }
    }

    /** A kernel CPU list ("0-3,8,10-11"). */
    public static BitSet parse(String text) {
        BitSet cpus = new BitSet();
        String t = text.trim();
        if (t.isEmpty()) {
            return cpus;
        }
        for (String part : t.split(",")) {
            String[] r = part.trim().split("-", -1);
            try {
                int from = Integer.parseInt(r[0]);
                int to = r.length == 2 ? Integer.parseInt(r[1]) : from;
                if (r.length > 2 || from < 0 || to < from) {
                    throw new NumberFormatException();
                }
                cpus.set(from, to + 1);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + t + "' is not a CPU list (e.g. 0-3,8)");
            }
        }
        return cpus;
    }
}
