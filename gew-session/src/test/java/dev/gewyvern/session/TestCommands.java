package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Commands the kernel tests run around the engine (ip, bash, perl): each must succeed. */
final class TestCommands {
    private TestCommands() {
    }

    /** Runs {@code cmd}, requires exit status 0, and returns its output (stdout and stderr). */
    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }

    /** Deletes a network namespace the test made ({@code null}: none was made) and checks it is gone. */
    static void deleteNetns(String name) throws IOException, InterruptedException {
        if (name != null) {
            new ProcessBuilder("ip", "netns", "del", name).start().waitFor();
            assertFalse(Files.exists(Path.of("/run/netns", name)), name + " is removed");
        }
    }

    /** testdata/uprobe/target.c compiled for this host into {@code dir}: gew_uprobe_target() and gew_uprobe_other(). */
    static Path uprobeTarget(Path dir) throws Exception {
        Path bin = dir.resolve("gew_uprobe_target");
        try {
            run("clang-19", "-O1", "-g0", "-o", bin.toString(), KernelTestSupport.testdata("uprobe/target.c").toString());
        } catch (IOException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI=true but clang-19 is missing: " + e.getMessage());
            }
            org.junit.jupiter.api.Assumptions.abort("clang-19 is missing: " + e.getMessage());
        }
        return bin;
    }
}
