package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.gewyvern.syscall.KernelAccess;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Runs the real {@code ./gew} launcher as a subprocess. */
final class Gew {
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /**
     * How long one gew command may take: 120 s, or the {@code gew.test.command.timeout} system property (seconds)
     * where everything is slower, e.g. under qemu TCG (kernels/checks sets it).
     */
    private static final long TIMEOUT_S = Long.getLong("gew.test.command.timeout", 120);

    private Gew() {
    }

    static Path repo() {
        return Path.of(System.getProperty("gew.repo", "..")).toAbsolutePath().normalize();
    }

    static void requireBpf() {
        String why = KernelAccess.unavailableReason();
        if (why != null) {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail("CI=true but bpf(2) is not usable: " + why);
            }
            Assumptions.abort("bpf(2) is not usable here: " + why);
        }
    }

    static List<String> command(List<String> prefix, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(repo().resolve("gew").toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return runAs(List.of(), args);
    }

    /**
     * The launcher and the built distribution copied to a folder every uid can read (the repository may
     * sit in a folder only root can enter), for running gew as another user.
     */
    static Path worldReadableCopy() throws IOException {
        Path dir = Files.createTempDirectory("gew-dist");
        Path dist = repo().resolve("gew-cli/target/gew");
        try (var walk = Files.walk(dist)) {
            for (Path p : walk.toList()) {
                Path to = dir.resolve("gew-cli/target/gew").resolve(dist.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.createDirectories(to.getParent());
                    Files.copy(p, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Files.copy(repo().resolve("gew"), dir.resolve("gew"), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(
                        Files.isDirectory(p) || p.getFileName().toString().equals("gew") ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return dir;
    }

    static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Runs the launcher at {@code launcher} behind {@code prefix}. */
    static Result runLauncher(Path launcher, List<String> prefix, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(launcher.toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("gew-out", ".txt");
        Path err = Files.createTempFile("gew-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).directory(launcher.getParent().toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", cmd) + " did not finish in " + TIMEOUT_S + " s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs gew behind {@code prefix} (e.g. setpriv to drop root). */
    static Result runAs(List<String> prefix, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("gew-out", ".txt");
        Path err = Files.createTempFile("gew-err", ".txt");
        try {
            Process p = new ProcessBuilder(command(prefix, args)).directory(repo().toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("gew " + String.join(" ", args) + " did not finish in " + TIMEOUT_S + " s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A gew started in the background, read line by line until a line contains {@code marker}. */
    static final class Running implements AutoCloseable {
        final Process process;
        final StringBuilder out = new StringBuilder();
        private final BufferedReader reader;

        Running(String... args) throws IOException {
            this(List.of(), ProcessBuilder.Redirect.INHERIT, args);
        }

        /** gew behind {@code prefix} (a shell that sets limits, say), its stderr sent to {@code err}. */
        Running(List<String> prefix, ProcessBuilder.Redirect err, String... args) throws IOException {
            process = new ProcessBuilder(command(prefix, args)).directory(repo().toFile()).redirectError(err).start();
            reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        String awaitLine(String marker) throws IOException {
            String line;
            while ((line = reader.readLine()) != null) {
                out.append(line).append('\n');
                if (line.contains(marker)) {
                    return line;
                }
            }
            fail("gew ended before printing '" + marker + "':\n" + out);
            return null;
        }

        String rest() throws IOException {
            String line;
            while ((line = reader.readLine()) != null) {
                out.append(line).append('\n');
            }
            return out.toString();
        }

        int waitFor() throws InterruptedException {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("gew did not exit within 60 s");
            }
            return process.exitValue();
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroy();
            }
        }
    }
}
