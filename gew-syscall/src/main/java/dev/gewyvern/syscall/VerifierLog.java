package dev.gewyvern.syscall;

import java.nio.charset.StandardCharsets;

/** Helpers for the kernel's log buffers: trimmed to their NUL, with the verifier's statistics line. */
public final class VerifierLog {
    private VerifierLog() {
    }

    /** A log buffer as text: up to its first NUL, trailing space stripped; empty for none. */
    public static String text(byte[] buf) {
        if (buf == null) {
            return "";
        }
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8).stripTrailing();
    }

    /**
     * The verifier's reason in a log: its last line that is not a statistics line ({@code processed N insns
     * ...}, {@code verification time ...}, {@code stack depth ...}) nor empty. The kernel writes its refusal
     * last, before the statistics, whatever came before it (an instruction trace at level 1 or 2, or nothing).
     * Empty for an empty log.
     */
    public static String reason(String log) {
        String[] lines = log.split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String l = lines[i].strip();
            if (!l.isEmpty() && !statistics(l)) {
                return l;
            }
        }
        return "";
    }

    private static boolean statistics(String line) {
        return line.startsWith("processed ") && line.contains(" insns") || line.startsWith("verification time ")
                || line.startsWith("stack depth ") || line.startsWith("max_states_per_insn ");
    }
}
