package dev.gewyvern.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code gew session apply ... --run CMD} through the launcher, held live while a test looks at it: CMD
 * waits for a file the test creates, so the session ends (and gew detaches it) exactly when the test says.
 * The session's folder is the one the commit line prints.
 */
final class HeldSession implements AutoCloseable {
    private final Process process;
    private final Path release;
    private final StringBuilder out = new StringBuilder();
    private final StringBuilder err = new StringBuilder();
    private final Thread errReader;
    private Path folder;

    private HeldSession(Process process, Path release) {
        this.process = process;
        this.release = release;
        this.errReader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    synchronized (err) {
                        err.append(l).append('\n');
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "gew-stderr");
        errReader.setDaemon(true);
        errReader.start();
    }

    /**
     * Applies {@code args} (after {@code session apply}) and returns once the session is live, or once gew
     * has ended without it (then {@link #live()} is false and {@link #error()} says why).
     */
    static HeldSession apply(Path scratch, List<String> args) throws IOException, InterruptedException {
        Path release = Files.createTempFile(scratch, "release-", "");
        Files.delete(release);
        List<String> a = new ArrayList<>(List.of("session", "apply"));
        a.addAll(args);
        a.addAll(List.of("--run", "while [ ! -e '" + release + "' ]; do sleep 0.05; done"));
        Process p = new ProcessBuilder(Gew.command(List.of(), a.toArray(String[]::new))).start();
        p.getOutputStream().close();
        HeldSession s = new HeldSession(p, release);
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String l; (l = r.readLine()) != null; ) {
            s.out.append(l).append('\n');
            if (l.startsWith("commit ") && l.contains(" pinned at ")) {
                s.folder = Path.of(l.substring(l.indexOf(" pinned at ") + " pinned at ".length()).strip());
            }
            if (l.startsWith("session ") && l.contains(" is live")) {
                Thread drain = new Thread(() -> {
                    try {
                        for (String x; (x = r.readLine()) != null; ) {
                            synchronized (s.out) {
                                s.out.append(x).append('\n');
                            }
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                }, "gew-stdout");
                drain.setDaemon(true);
                drain.start();
                return s;
            }
        }
        p.waitFor(60, TimeUnit.SECONDS);
        s.errReader.join(5000);
        s.folder = null;
        return s;
    }

    boolean live() {
        return folder != null && process.isAlive();
    }

    /** The committed session's folder (maps/, progs/, links/). */
    Path folder() {
        return folder;
    }

    /** gew's last "gew: ..." line on stderr: why the session did not apply. */
    String error() {
        String e;
        synchronized (err) {
            e = err.toString();
        }
        String last = "";
        for (String l : e.split("\n")) {
            if (l.startsWith("gew: ") && !l.startsWith("gew: building")) {
                last = l.substring("gew: ".length());
            }
        }
        return last.isEmpty() ? e.strip() : last;
    }

    /** What gew printed on stderr. */
    String stderr() {
        synchronized (err) {
            return err.toString();
        }
    }

    String stdout() {
        synchronized (out) {
            return out.toString();
        }
    }

    /** Lets the --run command end, so gew detaches the session; gew's exit status. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            Files.createFile(release);
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(release);
    }

    int exitValue() {
        return process.exitValue();
    }
}
