package dev.gewyvern.syscall;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Kernel functions a kprobe.multi pattern can name: tracefs's {@code available_filter_functions}, as
 * libbpf resolves a {@code kprobe.multi/<glob>} (one name a line, a module's as "name [module]").
 */
public final class KernelFunctions {
    private KernelFunctions() {
    }

    /** The functions whose name matches {@code glob} ({@code *}, {@code ?}), each once, in tracefs order. */
    public static List<String> matching(String glob) {
        Path file = Filesystems.ensureTracefs().resolve("available_filter_functions");
        // a name without '*' or '?' is itself, not a substring as in `gew probe list`
        Predicate<String> match = glob.contains("*") || glob.contains("?") ? AttachPoints.glob(glob) : glob::equals;
        Set<String> out = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(file)) {
                int end = line.indexOf(' ');
                String name = end < 0 ? line.trim() : line.substring(0, end);
                // compiler clones (do_x.constprop.0) are not kallsyms names a kprobe can take
                if (!name.isEmpty() && !name.contains(".") && match.test(name)) {
                    out.add(name);
                }
            }
        } catch (NoSuchFileException e) {
            throw new BpfException("kprobe.multi pattern '" + glob + "'", Errno.ENOENT, file + " is missing (no "
                    + "CONFIG_DYNAMIC_FTRACE): name the functions in kprobe_multi.symbols instead of a pattern", null);
        } catch (IOException e) {
            throw new BpfException("reading " + file, Errno.EINVAL, e.getMessage(), null);
        }
        if (out.isEmpty()) {
            throw new BpfException("kprobe.multi pattern '" + glob + "'", Errno.ENOENT, "no function in " + file
                    + " matches it", null);
        }
        return new ArrayList<>(out);
    }
}
