package dev.gewyvern.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.gewyvern.syscall.KernelAccess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gew runtime info}: the kernel, its BTF, bpffs, tracefs and the settings that matter, read from
 * /proc and /sys without a single bpf(2) call, so that it is fast and safe to run anywhere.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Kernel release, BTF, bpffs, tracefs, root, and gewyvern's pin root.")
final class RuntimeInfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--training-run", hidden = true,
            description = "Used by the build to record the classes start-up loads (AppCDS).")
    boolean trainingRun;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
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
        out.flush();
        if (trainingRun) {
            train();
        }
        return 0;
    }

    /**
     * The build's AppCDS training run goes on to load what the other commands load first, without a
     * single bpf(2) call: the models of every command, the native binding (one statfs), protobuf.
     */
    private static void train() {
        picocli.CommandLine cl = new picocli.CommandLine(new GewCommand());
        GewCommand.SUBCOMMANDS.forEach(cl::addSubcommand);
        cl.getUsageMessage();
        dev.gewyvern.syscall.Kernel.get().filesystemType("/");
        dev.gewyvern.proto.v1.SessionRecord.getDefaultInstance().toByteArray();
    }

    private static void row(PrintWriter out, String key, String value) {
        out.printf("%-10s %s%n", key, value);
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
