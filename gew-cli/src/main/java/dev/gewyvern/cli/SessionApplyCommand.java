package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.session.Engine;
import dev.gewyvern.session.SessionException;
import dev.gewyvern.session.SessionView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gew session apply}: applies a pipeline as one session and holds it in the foreground until
 * Ctrl-C, SIGTERM, SIGHUP, {@code --duration}, or {@code gew session detach} from another shell. Every
 * way out detaches and unpins the session.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Apply a pipeline as one session (create, stage, verify, attach, commit; rollback on any failure)",
                "and hold it until Ctrl-C, SIGTERM, SIGHUP, --duration, or `gew session detach ID` from another shell."})
final class SessionApplyCommand implements Callable<Integer> {
    private static final long POLL_MS = 100;
    /** How many entries of each map --watch prints (the largest values first). */
    private static final int WATCH_TOP = 8;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PIPELINE", arity = "0..1",
            description = "A Pipeline file: .txtpb (protobuf text) or .pb (binary).")
    Path pipelineFile;

    @Option(names = "--object", paramLabel = "FILE", description = "A BPF object (clang -target bpf), instead of a pipeline file.")
    Path object;

    @Option(names = "--program", paramLabel = "NAME", description = "A program of --object to load (repeatable).")
    List<String> programs = new ArrayList<>();

    @Option(names = "--attach", paramLabel = "TARGET",
            description = "Where the matching --program attaches: tracepoint:CATEGORY:NAME (repeatable, in order).")
    List<String> attach = new ArrayList<>();

    @Option(names = "--name", description = "The session name (with --object); the id adds a random suffix.")
    String name;

    @Option(names = "--duration", converter = Durations.class, paramLabel = "TIME",
            description = "Detach by itself after this long (e.g. 10s, 5m).")
    Duration duration;

    @Option(names = "--watch", converter = Durations.class, paramLabel = "INTERVAL",
            description = "Print the session's maps every INTERVAL while it holds.")
    Duration watch;

    @Option(names = "--run", paramLabel = "COMMAND",
            description = "Run COMMAND (with /bin/sh -c) once the session is live, and detach when it exits.")
    String run;

    @Option(names = {"-v", "--verbose"}, description = "On a verifier refusal, print its full trace (log level 2).")
    boolean verbose;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Pipeline pipeline = pipeline();
        Engine engine = Engines.start("session apply", err);
        Thread hook = new Thread(() -> {
            for (String held : engine.ownSessions()) {
                err.println("gew: exiting: detaching session " + held);
            }
            err.flush();
            engine.close();
        }, "gew-detach");
        Runtime.getRuntime().addShutdownHook(hook);
        SessionRecord rec;
        try {
            rec = engine.apply(pipeline, (phase, message) -> {
                out.printf("%-8s %s%n", phase, message);
                out.flush();
            }, verbose ? 2 : 1);
        } catch (SessionException e) {
            engine.close();
            throw e;
        }
        String id = rec.getSessionId();
        out.println("session " + id + " is live; Ctrl-C (or `gew session detach " + id + "`) detaches it"
                + (duration == null ? "" : ", or it detaches by itself in " + human(duration))
                + (run == null ? "" : ", or when `" + run + "` exits"));
        out.flush();
        long start = System.nanoTime();
        long nextWatch = watch == null ? Long.MAX_VALUE : start + watch.toNanos();
        long lastWatch = start;
        Process child = run == null ? null : startChild(run);
        String ended;
        while (true) {
            long now = System.nanoTime();
            if (!engine.exists(id)) {
                out.println("session " + id + " was detached from elsewhere; exiting");
                out.flush();
                engine.close();
                return 0;
            }
            if (duration != null && now - start >= duration.toNanos()) {
                ended = "after " + human(duration);
                break;
            }
            if (child != null && !child.isAlive()) {
                ended = "after `" + run + "` exited with status " + child.exitValue();
                break;
            }
            if (now >= nextWatch) {
                printMaps(out, engine.show(id, 1000), Duration.ofNanos(now - start));
                lastWatch = now;
                nextWatch += watch.toNanos();
            }
            Thread.sleep(POLL_MS);
        }
        // a last look at the maps, unless --watch just printed them
        if (watch != null && System.nanoTime() - lastWatch > watch.toNanos() / 2) {
            printMaps(out, engine.show(id, 1000), Duration.ofNanos(System.nanoTime() - start));
        }
        int removed = engine.detach(id);
        engine.close();
        out.println("detached session " + id + " " + ended + " (" + removed + " pins removed)");
        out.flush();
        return child == null ? 0 : child.exitValue();
    }

    private static Process startChild(String command) {
        try {
            return new ProcessBuilder("/bin/sh", "-c", command).inheritIO().start();
        } catch (java.io.IOException e) {
            throw new UserError("--run: cannot start /bin/sh -c '" + command + "': " + e.getMessage());
        }
    }

    private Pipeline pipeline() {
        if (pipelineFile != null && object != null) {
            throw new UserError("give a pipeline file or --object, not both");
        }
        if (pipelineFile != null) {
            if (!programs.isEmpty() || !attach.isEmpty()) {
                throw new UserError("--program and --attach go with --object, not with a pipeline file");
            }
            return PipelineFiles.read(pipelineFile);
        }
        if (object == null) {
            throw new UserError("give a pipeline file (PIPELINE.txtpb) or --object FILE --program NAME --attach TARGET");
        }
        return PipelineFiles.fromFlags(name, object, programs, attach);
    }

    private static void printMaps(PrintWriter out, SessionView v, Duration at) {
        out.println("-- " + human(at) + " --");
        for (SessionView.MapView m : v.maps()) {
            SessionPrinter.map(out, m, WATCH_TOP);
        }
        out.flush();
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        return String.format("%.1fs", ms / 1000.0);
    }
}
