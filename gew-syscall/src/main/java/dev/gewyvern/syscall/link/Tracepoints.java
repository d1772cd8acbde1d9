package dev.gewyvern.syscall.link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.Kernel;
import dev.gewyvern.syscall.attr.PerfEventAttr;
import dev.gewyvern.syscall.kernel.KernelTypes;
import dev.gewyvern.syscall.kernel.Filesystems;

/** Tracepoint ids from tracefs, and the perf event a tracepoint program is linked to. */
public final class Tracepoints {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    private Tracepoints() {
    }

    /** The tracefs id of {@code category:name}. */
    public static long id(String category, String name) {
        if (!NAME.matcher(category).matches() || !NAME.matcher(name).matches() || category.contains("..")
                || name.contains("..")) {
            throw new IllegalArgumentException("not a tracepoint name: '" + category + ":" + name + "'");
        }
        Path root = Filesystems.ensureTracefs();
        Path id = root.resolve("events").resolve(category).resolve(name).resolve("id");
        try {
            return Long.parseLong(Files.readString(id).trim());
        } catch (NoSuchFileException e) {
            throw new BpfException("tracepoint " + category + ":" + name, Errno.ENOENT,
                    "this kernel has no such tracepoint (see " + root.resolve("available_events") + ")", null);
        } catch (IOException | NumberFormatException e) {
            throw new BpfException("reading " + id, Errno.EINVAL, e.getMessage(), null);
        }
    }

    /**
     * Whether this kernel certainly has no raw tracepoint {@code name}: no {@code btf_trace_<name>} in its BTF
     * (every tracepoint has one, events and bare tracepoints alike) nor in any module's BTF (its string table
     * does not name it), and no event of that name in tracefs. False whenever a source cannot be read: then the
     * kernel decides.
     */
    static boolean rawMissing(String name) {
        try {
            if (KernelTypes.running().typedef("btf_trace_" + name) > 0) {
                return false;
            }
            // a module's tracepoint has its typedef in the module's split BTF: its string table names it
            byte[] wanted = ("\0btf_trace_" + name + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            try (var modules = Files.list(Path.of("/sys/kernel/btf"))) {
                for (Path m : (Iterable<Path>) modules::iterator) {
                    if (!m.getFileName().toString().equals("vmlinux") && contains(Files.readAllBytes(m), wanted)) {
                        return false;
                    }
                }
            }
            for (String line : Files.readAllLines(Filesystems.ensureTracefs().resolve("available_events"))) {
                if (line.endsWith(":" + name)) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean contains(byte[] bytes, byte[] wanted) {
        outer:
        for (int i = 0; i + wanted.length <= bytes.length; i++) {
            for (int j = 0; j < wanted.length; j++) {
                if (bytes[i + j] != wanted[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Links {@code prog} to the tracepoint through a perf event: the returned link holds the event. */
    public static Fd attach(Fd prog, String category, String name, long cookie) {
        long id = id(category, name);
        try (Fd event = Kernel.get().perfEventOpen(PerfEventAttr.tracepoint(id), -1, 0)) {
            return Links.perfEventLink(prog, event, cookie, "tracepoint " + category + ":" + name);
        } catch (BpfException e) {
            if (e.errno() == Errno.E2BIG) {
                throw new BpfException("BPF_LINK_CREATE on tracepoint " + category + ":" + name, Errno.E2BIG,
                        "too many BPF programs are attached to this tracepoint already (the kernel allows 64)", null);
            }
            throw e;
        }
    }
}
