package dev.gewyvern.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.gewyvern.syscall.KernelAccess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gew runtime info}: the kernel, its BTF, bpffs, tracefs and the settings that matter, read from
 * /proc and /sys without a single bpf(2) call, so that it is fast and safe to run anywhere.
 * {@code --verbose} adds the kernel-compat report ({@link CompatReport}): config, sysctls and every
 * capability probed on this kernel; {@code --output json} prints the same for machines.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Kernel release, BTF, bpffs, tracefs, root, and gewyvern's pin root; with --verbose the "
                + "kernel-compat report: every program type, map type, attach kind, helper and feature probed.")
final class RuntimeInfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-v", "--verbose"},
            description = "Also probe the kernel (throwaway programs and maps, needs root) and report every capability.")
    boolean verbose;

    /** How the report is printed. */
    enum Format { text, json }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json.")
    Format output;

    private final Map<String, String> rows = new LinkedHashMap<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (verbose) {
            Root.require("runtime info --verbose");
        }
        int uid = KernelAccess.effectiveUid();
        String mounts = read("/proc/self/mounts");
        Path btf = Path.of("/sys/kernel/btf/vmlinux");
        row(out, "gewyvern", Version.VERSION + " (Java " + System.getProperty("java.version") + ")");
        row(out, "kernel", read("/proc/sys/kernel/osrelease").trim() + " (" + System.getProperty("os.arch") + ")");
        row(out, "root", uid == 0 ? "yes" : "no (effective uid " + uid + "; gewyvern's kernel commands need root)");
        row(out, "btf", Files.isReadable(btf)
                ? btf + " (" + mib(size(btf)) + "), " + (count(btf.getParent()) - 1) + " module BTFs"
                : "missing: no " + btf + " (CONFIG_DEBUG_INFO_BTF is off); CO-RE objects cannot load");
        row(out, "bpffs", mountedAt(mounts, "bpf", "/sys/fs/bpf")
                ? "mounted at /sys/fs/bpf" : "not mounted (gew mounts it at /sys/fs/bpf on first use)");
        row(out, "tracefs", mountedAt(mounts, "tracefs", "/sys/kernel/tracing")
                ? "mounted at /sys/kernel/tracing" : "not mounted (gew mounts it when it needs tracepoint ids)");
        row(out, "cgroup v2", cgroup2(mounts));
        row(out, "sysctl", "kernel.unprivileged_bpf_disabled=" + read("/proc/sys/kernel/unprivileged_bpf_disabled").trim()
                + ", net.core.bpf_jit_enable=" + read("/proc/sys/net/core/bpf_jit_enable").trim());
        Path pinRoot = Path.of("/sys/fs/bpf/gewyvern/instances");
        int instances = count(pinRoot);
        int sessions = 0;
        if (instances > 0) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(pinRoot)) {
                for (Path i : ds) {
                    sessions += count(i.resolve("sessions"));
                }
            } catch (IOException e) {
                // counted what we could
            }
        }
        row(out, "pin root", "/sys/fs/bpf/gewyvern (" + sessions + " sessions in " + instances + " instances)");
        if (output == Format.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("info", rows);
            if (verbose) {
                doc.putAll(CompatReport.json());
            }
            out.print(Json.write(doc));
        } else {
            for (Map.Entry<String, String> r : rows.entrySet()) {
                out.printf("%-10s %s%n", r.getKey(), r.getValue());
            }
            if (verbose) {
                CompatReport.text(out);
            }
        }
        out.flush();
        return 0;
    }

    private void row(PrintWriter out, String key, String value) {
        rows.put(key, value);
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

    private static int count(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path ignored : ds) {
                n++;
            }
        } catch (IOException e) {
            return n;
        }
        return n;
    }

    private static boolean mountedAt(String mounts, String type, String where) {
        for (String line : mounts.split("\n")) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[1].equals(where) && f[2].equals(type)) {
                return true;
            }
        }
        return false;
    }

    private static String cgroup2(String mounts) {
        for (String line : mounts.split("\n")) {
            List<String> f = List.of(line.split(" "));
            if (f.size() > 2 && f.get(2).equals("cgroup2")) {
                return "mounted at " + f.get(1);
            }
        }
        return "not mounted";
    }
}
