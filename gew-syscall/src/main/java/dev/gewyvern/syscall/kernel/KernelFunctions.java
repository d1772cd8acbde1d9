package dev.gewyvern.syscall.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;

/**
 * Kernel functions a kprobe.multi pattern can name, as libbpf resolves a {@code kprobe.multi/<glob>}:
 * tracefs's {@code available_filter_functions} (the functions ftrace can probe; "name" or "name [module]" a
 * line) where it can be read, else the text symbols of {@code /proc/kallsyms}, which may include functions
 * the kernel then refuses to probe. Which list was used is part of the answer.
 */
public final class KernelFunctions {
    static final Path KALLSYMS = Path.of("/proc/kallsyms");

    /** The matching functions, each once, in file order, and the file they came from. */
    public record Resolved(List<String> functions, Path source) {
        public Resolved {
            functions = List.copyOf(functions);
        }
    }

    private KernelFunctions() {
    }

    /** The functions whose name matches {@code glob} ({@code *}, {@code ?}; without either, the name itself). */
    public static Resolved matching(String glob) {
        Predicate<String> match = name -> SymbolRules.matches(glob, name); // a glob without * or ? is the name itself
        Path filter = Filesystems.ensureTracefs().resolve("available_filter_functions");
        List<String> lines;
        Path source = filter;
        int column = 0;
        try {
            lines = Files.readAllLines(filter);
        } catch (IOException e) {
            // missing (no CONFIG_DYNAMIC_FTRACE) or refused (this sandbox answers EPERM): kallsyms, and say so
            source = KALLSYMS;
            column = 2;
            lines = read(KALLSYMS, glob);
        }
        Set<String> out = new LinkedHashSet<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length <= column || column == 2 && !(f[1].equals("T") || f[1].equals("t"))) {
                continue;
            }
            String name = f[column];
            // compiler clones (do_x.constprop.0) are not names a kprobe takes
            if (!name.contains(".") && match.test(name)) {
                out.add(name);
            }
        }
        if (out.isEmpty()) {
            throw new BpfException("kprobe.multi pattern '" + glob + "'", Errno.ENOENT, "no function in " + source
                    + " matches it", null);
        }
        return new Resolved(new ArrayList<>(out), source);
    }

    private static List<String> read(Path file, String glob) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new BpfException("kprobe.multi pattern '" + glob + "'", Errno.ENOENT, "neither "
                    + "available_filter_functions nor " + file + " can be read (" + e.getMessage() + "): name the "
                    + "functions in kprobe_multi.symbols instead", null);
        }
    }
}
