package dev.gewyvern.syscall;

import java.nio.charset.StandardCharsets;

/** Helpers for the kernel's log buffers: trimmed to their NUL, with the verifier's statistics line. */
final class VerifierLog {
    private VerifierLog() {
    }

    static String text(byte[] buf) {
        if (buf == null) {
            return "";
        }
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8).stripTrailing();
    }
}
