package dev.gewyvern.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.gewyvern.proto.v1.DryRunReport;
import dev.gewyvern.proto.v1.EventSource;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.proto.v1.SessionStatus;
import dev.gewyvern.session.DryRun;
import dev.gewyvern.session.Engine;
import dev.gewyvern.session.PreparedPipeline;
import dev.gewyvern.proto.v1.EventSummary;
import dev.gewyvern.session.EventStream;
import dev.gewyvern.session.RiskPolicy;
import dev.gewyvern.session.SessionException;
import dev.gewyvern.syscall.events.PerfBufferReader;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Applies a pipeline as a session of this process and holds it: until Ctrl-C, SIGTERM, SIGHUP,
 * {@code --duration}, the end of {@code --run}, or a detach from another shell. With {@code --background}
 * the same command is started again as a holder in its own session (setsid), and this process returns as
 * soon as the holder reports the session live.
 */
final class SessionHolder {
    /**
     * Events read and not yet printed, at most: two thirds of a second at 100k events/s, what a terminal or
     * a JIT that is still compiling the printing path may take; slots are made as they are first needed.
     */
    private static final int EVENT_BUFFER = 1 << 16;

    private static final long POLL_MS = 100;
    static final Path HOLDER_LOGS = Path.of("/run/gewyvern/holders");
    private static final String HOLDER_LOG_ENV = "GEW_HOLDER_LOG";
    /** Where a background holder writes its SessionStatus (protobuf) once the session is live. */
    private static final String HOLDER_STATUS_ENV = "GEW_HOLDER_STATUS";

    private SessionHolder() {
    }

    static int applyAndHold(Pipeline pipeline, HoldOptions hold, CommandSpec spec, String command) throws Exception {
        hold.check();
        if (hold.output.json() && !hold.dryRun && hold.events.isEmpty()) {
            throw new UserError("-o json is for --dry-run and --events (a held session prints its progress as text)",
                    ExitCode.USAGE);
        }
        if (hold.background) {
            return startHolder(spec, hold);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (hold.dryRun) {
            // a dry run makes no instance either: it only looks
            Engine engine = Engines.observe(command + " --dry-run", err);
            try {
                // read and parse the objects once: the plan is of the bytes that were checked; everything a dry
                // run can check without changing the kernel: the requirements, then the plan (program names,
                // section against target, tracepoints, interfaces, cgroups, BTF functions, ...)
                DryRun dry = DryRun.of(engine, PreparedPipeline.of(pipeline), hold.allowRisky);
                hold.output.print(out, dry.report(), r -> DryRunText.print(out, r, hold.allowRisky));
                DryRunReport.Verdict v = dry.report().getVerdict();
                if (v == DryRunReport.Verdict.REFUSED_NOT_SUPPORTED || v == DryRunReport.Verdict.REFUSED_RISKY) {
                    return ExitCode.REFUSED.code();
                }
                if (dry.planFailure().isPresent()) {
                    throw dry.planFailure().get(); // said as the apply would say it, with the apply's exit code
                }
                return ExitCode.OK.code();
            } finally {
                engine.close();
            }
        }
        Engine engine = Engines.start(command, err, RiskPolicy.fromLocalCommandLine(hold.allowRisky));
        // with --output json, stdout carries only JSON lines (events); what happens to the session goes to stderr
        PrintWriter progress = hold.output.json() ? err : out;
        String holderLog = System.getenv(HOLDER_LOG_ENV);
        String holderStatus = System.getenv(HOLDER_STATUS_ENV);
        // a signal to gew (SIGTERM, SIGHUP) ends the --run command too, before its session goes
        java.util.concurrent.atomic.AtomicReference<RunChild> running = new java.util.concurrent.atomic.AtomicReference<>();
        // and prints the events read until then and their summary, as an end by itself does
        java.util.concurrent.atomic.AtomicReference<Runnable> endOfEvents = new java.util.concurrent.atomic.AtomicReference<>();
        Thread hook = new Thread(() -> {
            Runnable events = endOfEvents.get();
            if (events != null) {
                events.run();
            }
            RunChild c = running.get();
            if (c != null && !c.exited()) {
                try {
                    err.println("gew: exiting: " + c.end().describe(c.command()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            for (String held : engine.ownSessions()) {
                err.println("gew: exiting: detaching session " + held);
            }
            err.flush();
            engine.close();
            for (String f : new String[] {holderLog, holderStatus}) {
                if (f != null && Path.of(f).startsWith(HOLDER_LOGS)) {
                    try {
                        Files.deleteIfExists(Path.of(f)); // a background holder's files end with it
                    } catch (IOException e) {
                        // /run is cleared at boot anyway
                    }
                }
            }
        }, "gew-detach");
        Runtime.getRuntime().addShutdownHook(hook);
        SessionRecord rec;
        try {
            rec = engine.apply(pipeline, e -> {
                progress.printf("%-8s %s%n", e.step().word(), e.text());
                progress.flush();
            }, hold.verbose ? 2 : 1);
        } catch (SessionException e) {
            engine.close();
            throw e;
        }
        String id = rec.getSessionId();
        Object printing = new Object();
        EventLines lines = hold.events.isEmpty() ? null : new EventLines(out, hold.output.json(),
                printing);
        EventStream stream;
        try {
            stream = lines == null ? null : engine.events(id, sources(hold.events),
                    new EventStream.Options(EVENT_BUFFER, perfOptions(hold.perfPages()), lines.form()), lines);
        } catch (RuntimeException e) {
            // a map or type --events names that the session does not have: nothing ran yet, the session goes
            int removed = engine.detach(id);
            progress.println("detached session " + id + " (" + removed + " pins removed): --events cannot be read");
            progress.flush();
            engine.close();
            throw e;
        }
        if (stream != null) {
            EventStream s = stream;
            endOfEvents.set(() -> endEvents(s, lines, out, printing));
        }
        // live once its events are read: what the programs send from now on is printed, none is lost to a
        // reader that is not there yet (a perf event array has no ring before its reader opens one)
        synchronized (printing) {
            progress.println("session " + id + " is live; Ctrl-C (or `gew session detach " + id + "`) detaches it"
                    + (hold.duration == null ? "" : ", or it detaches by itself in " + human(hold.duration))
                    + (hold.run == null ? "" : ", or when `" + hold.run + "` exits"));
            progress.flush();
            if (holderStatus != null && Path.of(holderStatus).startsWith(HOLDER_LOGS)) {
                writeStatus(Path.of(holderStatus), SessionStatus.newBuilder().setRecord(rec).build());
            }
        }
        // in place only on a terminal, and only when nothing else prints between two looks
        Watcher watcher = hold.watch == null ? null : new Watcher(hold.limit(), System.console() != null && stream == null);
        long start = System.nanoTime();
        long nextWatch = hold.watch == null ? Long.MAX_VALUE : start + hold.watch.toNanos();
        long lastWatch = start;
        RunChild child = hold.run == null ? null : RunChild.start(hold.run);
        running.set(child);
        boolean clock = false;
        while (true) {
            long now = System.nanoTime();
            if (!engine.exists(id)) {
                endEvents(stream, lines, out, printing);
                progress.println("session " + id + " was detached from elsewhere; exiting"
                        + (child == null ? "" : "; " + child.end().describe(child.command())));
                progress.flush();
                engine.close();
                return 0;
            }
            // the command is looked at before the clock: when both have ended, it ended on its own
            if (child != null && child.exited()) {
                break;
            }
            if (hold.duration != null && now - start >= hold.duration.toNanos()) {
                clock = true;
                break;
            }
            if (now >= nextWatch) {
                synchronized (printing) {
                    watcher.look(out, () -> engine.show(id, Integer.MAX_VALUE), Duration.ofNanos(now - start));
                }
                lastWatch = now;
                nextWatch += hold.watch.toNanos();
            }
            // a command's exit ends the wait at once (a short --run would otherwise wait out the poll)
            if (child != null) {
                child.awaitExit(POLL_MS);
            } else {
                Thread.sleep(POLL_MS);
            }
        }
        // whichever came first, the command has ended (by itself, or now: SIGTERM, then SIGKILL) before the
        // session goes
        RunChild.Ending ending = child == null ? null : child.end();
        // a last look at the maps, unless --watch just printed them
        if (hold.watch != null && System.nanoTime() - lastWatch > hold.watch.toNanos() / 2) {
            synchronized (printing) {
                watcher.look(out, () -> engine.show(id, Integer.MAX_VALUE), Duration.ofNanos(System.nanoTime() - start));
            }
        }
        endEvents(stream, lines, out, printing);
        int removed = engine.detach(id);
        engine.close();
        String ended = clock ? "after " + human(hold.duration) + (ending == null ? "" : " (--duration came first: "
                + ending.describe(child.command()) + ")") : "after " + ending.describe(child.command());
        progress.println("detached session " + id + " " + ended + " (" + removed + " pins removed)");
        progress.flush();
        // the command's status when it ended by itself; 0 when --duration ended the hold and the command with it
        return ending == null || ending.endedByUs() ? 0 : ending.status();
    }

    /**
     * Starts this same command line again without --background, in a new session (setsid) so that closing
     * the terminal does not end it, with its output in a log under /run/gewyvern/holders; waits for it to
     * report the session live, or to fail.
     */
    private static int startHolder(CommandSpec spec, HoldOptions hold) throws IOException, InterruptedException {
        Root.require("session apply --background");
        ProcessHandle.Info self = ProcessHandle.current().info();
        Optional<String> java = self.command();
        Optional<String[]> args = self.arguments();
        if (java.isEmpty() || args.isEmpty()) {
            throw new UserError("--background: cannot read this process's command line from /proc", ExitCode.FAILED);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add("setsid");
        cmd.add(java.get());
        for (String a : args.get()) {
            if (!a.equals("--background")) {
                cmd.add(a);
            }
        }
        Files.createDirectories(HOLDER_LOGS.getParent());
        Files.setPosixFilePermissions(HOLDER_LOGS.getParent(), PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(HOLDER_LOGS);
        Path log = Files.createTempFile(HOLDER_LOGS, "holder-", ".log");
        Path status = log.resolveSibling(log.getFileName() + ".status");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put(HOLDER_LOG_ENV, log.toString());
        pb.environment().put(HOLDER_STATUS_ENV, status.toString());
        Process holder = pb.start();
        PrintWriter out = spec.commandLine().getOut();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(status)) {
                String id = SessionStatus.parseFrom(Files.readAllBytes(status)).getRecord().getSessionId();
                out.println("session " + id + " is live, held by process " + holder.pid()
                        + " (its log: " + log + "); `gew session detach " + id + "` ends it");
                out.flush();
                return 0;
            }
            if (!holder.isAlive()) {
                spec.commandLine().getErr().print(Files.readString(log));
                spec.commandLine().getErr().flush();
                Files.deleteIfExists(log);
                Files.deleteIfExists(status);
                return holder.exitValue();
            }
            Thread.sleep(POLL_MS);
        }
        holder.destroy();
        throw new UserError("the background holder did not report its session live within 120 s (see " + log + ")",
                ExitCode.FAILED);
    }

    /** Written whole or not at all: the waiting parent never reads half a status. */
    private static void writeStatus(Path path, SessionStatus status) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.write(tmp, status.toByteArray());
        Files.move(tmp, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** --events MAP[:TYPE] as event sources: the type is everything after the first colon. */
    static java.util.List<EventSource> sources(java.util.List<String> specs) {
        java.util.List<EventSource> out = new ArrayList<>();
        for (String spec : specs) {
            int colon = spec.indexOf(':');
            String map = colon < 0 ? spec : spec.substring(0, colon);
            if (map.isBlank()) {
                throw new UserError("--events " + spec + ": give the map's name (MAP or MAP:TYPE)");
            }
            out.add(EventSource.newBuilder().setMap(map.trim()).setType(colon < 0 ? "" : spec.substring(colon + 1).trim())
                    .build());
        }
        return out;
    }

    private static PerfBufferReader.Options perfOptions(int pages) {
        try {
            return new PerfBufferReader.Options(pages, 1, 0);
        } catch (IllegalArgumentException e) {
            throw new UserError("--perf-pages " + pages + ": " + e.getMessage());
        }
    }

    /** Ends the event stream (what was read is still printed) and prints its summary. */
    private static void endEvents(EventStream stream, EventLines lines, PrintWriter out, Object printing) {
        if (stream == null) {
            return;
        }
        stream.close();
        EventSummary summary = lines.takeSummary();
        if (summary != null) {
            synchronized (printing) {
                out.println(lines.line(summary));
                out.flush();
            }
        }
    }

    static String human(Duration d) {
        return String.format("%.1fs", d.toMillis() / 1000.0);
    }
}
