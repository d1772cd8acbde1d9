package dev.gewyvern.session.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's soft limit on open files (RLIMIT_NOFILE), as /proc/self/limits states it. */
final class OpenFileLimit {
    /** What is assumed when the limit cannot be read or is unlimited: the common default. */
    static final long FALLBACK = 1024;

    private OpenFileLimit() {
    }

    static long current() {
        try {
            return parse(Files.readString(Path.of("/proc/self/limits")));
        } catch (IOException e) {
            return FALLBACK;
        }
    }

    /** The soft limit of the "Max open files" line of a /proc/PID/limits text. */
    static long parse(String limits) {
        for (String line : limits.split("\n")) {
            if (line.startsWith("Max open files")) {
                String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                if (f.length > 0 && f[0].chars().allMatch(Character::isDigit) && !f[0].isEmpty()) {
                    return Long.parseLong(f[0]);
                }
                return FALLBACK; // "unlimited"
            }
        }
        return FALLBACK;
    }
}
