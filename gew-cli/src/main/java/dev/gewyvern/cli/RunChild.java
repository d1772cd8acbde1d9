package dev.gewyvern.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code --run} command of a held session: {@code /bin/sh -c COMMAND} with the terminal's input and
 * output. It either exits by itself, or the hold ends first (--duration, a detach from elsewhere, a signal to
 * gew) and it is ended: SIGTERM to it and every process it started, SIGKILL to whatever is left after
 * {@link #GRACE}. Either way {@link #end()} says which, so the hold can report it.
 */
final class RunChild {
    /** How long the command and its processes get between SIGTERM and SIGKILL. */
    static final Duration GRACE = Duration.ofSeconds(5);

    private final String command;
    private final Process process;

    private RunChild(String command, Process process) {
        this.command = command;
        this.process = process;
    }

    static RunChild start(String command) {
        try {
            return new RunChild(command, new ProcessBuilder("/bin/sh", "-c", command).inheritIO().start());
        } catch (IOException e) {
            throw new UserError("--run: cannot start /bin/sh -c '" + command + "': " + dev.gewyvern.session.IoErrors.reason(e),
                    ExitCode.FAILED);
        }
    }

    String command() {
        return command;
    }

    boolean exited() {
        return !process.isAlive();
    }

    /** Waits up to {@code ms} for the command to exit (returns as soon as it does); true when it has. */
    boolean awaitExit(long ms) throws InterruptedException {
        return process.waitFor(ms, TimeUnit.MILLISECONDS);
    }

    /** The exit status; only once {@link #exited()}. */
    int status() {
        return process.exitValue();
    }

    /** How the command ended, once it has (by itself, or ended by {@link #end()}). */
    record Ending(int status, boolean endedByUs, boolean killed) {
        String describe(String command) {
            if (!endedByUs) {
                return "`" + command + "` exited with status " + status;
            }
            return "`" + command + "` was still running and was ended with " + (killed ? "SIGKILL (it outlived "
                    + "SIGTERM by " + GRACE.toSeconds() + " s)" : "SIGTERM");
        }
    }

    /**
     * Ends the command if it still runs: SIGTERM to the shell and to every process under it (a pipeline or
     * a loop outlives its shell otherwise), then SIGKILL to whatever is left after {@link #GRACE}. Waits for
     * the shell, so the status is always known afterwards.
     */
    Ending end() throws InterruptedException {
        if (exited()) {
            return new Ending(process.exitValue(), false, false);
        }
        List<ProcessHandle> tree = new java.util.ArrayList<>(process.toHandle().descendants().toList());
        tree.add(0, process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + GRACE.toNanos();
        boolean killed = false;
        for (ProcessHandle h : tree) {
            long left = deadline - System.nanoTime();
            if (h.isAlive() && !waitFor(h, left)) {
                killed = true;
            }
        }
        if (killed) {
            tree.forEach(ProcessHandle::destroyForcibly);
        }
        process.waitFor();
        return new Ending(process.exitValue(), true, killed);
    }

    private static boolean waitFor(ProcessHandle h, long nanos) throws InterruptedException {
        if (nanos <= 0) {
            return !h.isAlive();
        }
        try {
            h.onExit().get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !h.isAlive();
        }
    }
}
