package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --duration} and {@code --run} together, through the launcher: whichever ends first ends the hold,
 * the other is ended cleanly and said so. The command here starts a background {@code sleep} and waits for it,
 * so its shell is not the only process to end; the test reads the sleep's pid from a file and requires it gone.
 */
class RunAndDurationIT {
    private static final String PIPELINE = "testdata/pipelines/execcount.txtpb";

    /** The --run command: a shell that leaves a sleep of {@code seconds} running, writes its pid, and waits. */
    private static String sleeper(Path pidFile, int seconds) {
        return "sleep " + seconds + " & echo $! > " + pidFile + "; wait";
    }

    private static long pid(Path pidFile) throws Exception {
        return Long.parseLong(Files.readString(pidFile).trim());
    }

    private static void assertGone(long pid) throws Exception {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isPresent()) {
            // reaped by init a moment after gew waited for its shell
            h.get().onExit().get(10, TimeUnit.SECONDS);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "sleep " + pid + " still runs");
    }

    @Test
    void aDurationShorterThanTheCommandEndsTheCommandAndExitsCleanly(@TempDir Path tmp) throws Exception {
        Gew.requireBpf();
        Path pidFile = tmp.resolve("sleep.pid");
        Gew.Result r = Gew.run("session", "apply", PIPELINE, "--duration", "1s", "--run", sleeper(pidFile, 300));
        assertEquals(0, r.exit(), r.toString());
        assertFalse(r.err().contains("internal error"), r.toString());
        assertTrue(r.out().contains("after 1.0s (--duration came first: `" + sleeper(pidFile, 300)
                + "` was still running and was ended with SIGTERM)"), r.toString());
        assertTrue(r.out().matches("(?s).*detached session execcount-\\S+ after .* \\(\\d+ pins removed\\)\n.*"),
                r.toString());
        assertGone(pid(pidFile));
    }

    @Test
    void aCommandEndingFirstEndsTheHoldWithItsStatus() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("session", "apply", PIPELINE, "--duration", "300s", "--run", "exit 3");
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.out().contains("after `exit 3` exited with status 3"), r.toString());
        assertFalse(r.out().contains("--duration came first"), r.toString());
    }

    @Test
    void aSignalToGewEndsTheCommandAndTheSession(@TempDir Path tmp) throws Exception {
        Gew.requireBpf();
        Path pidFile = tmp.resolve("sleep.pid");
        try (Gew.Running gew = new Gew.Running("session", "apply", PIPELINE, "--run", sleeper(pidFile, 300))) {
            gew.awaitLine("is live");
            for (int i = 0; i < 100 && (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()); i++) {
                Thread.sleep(100);
            }
            long sleep = pid(pidFile);
            gew.process.destroy(); // SIGTERM to gew (the launcher execs java)
            assertEquals(143, gew.waitFor(), "gew ends as SIGTERM asks");
            assertGone(sleep);
        }
    }
}
