package dev.gewyvern.syscall.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The kernel's error-injection list (debugfs {@code error_injection/list}): the functions marked
 * ALLOW_ERROR_INJECTION, which are, beside security_* functions, the only ones an fmod_ret program may
 * modify. Read, never written; empty when debugfs is not mounted or the kernel keeps no list.
 */
public final class ErrorInjectionList {
    static final Path LIST = Path.of("/sys/kernel/debug/error_injection/list");

    private ErrorInjectionList() {
    }

    /** The functions on the list (each line is {@code NAME<tab>TYPE}); empty when it cannot be read. */
    public static Optional<Set<String>> read() {
        try {
            Set<String> out = new HashSet<>();
            for (String line : Files.readAllLines(LIST)) {
                String name = line.strip().split("\\s+", 2)[0];
                if (!name.isEmpty()) {
                    out.add(name);
                }
            }
            return Optional.of(out);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** Where the list is read from, for messages. */
    public static String path() {
        return LIST.toString();
    }
}
