package dev.gewyvern.cli;

import java.time.Duration;

import picocli.CommandLine.Option;

/** How a foreground `gew session apply` (or replay) holds its session. */
final class HoldOptions {
    @Option(names = "--duration", converter = Durations.class, paramLabel = "TIME",
            description = "Detach by itself after this long (e.g. 10s, 5m); a --run command still running then is "
                    + "ended (SIGTERM, SIGKILL 5 s later) and the exit status is 0.")
    Duration duration;

    @Option(names = "--watch", converter = Durations.class, paramLabel = "INTERVAL",
            description = "Print the session's maps every INTERVAL while it holds: each map's top entries by value "
                    + "(--limit), with how much each moved since the last look; on a terminal, in place.")
    Duration watch;

    /** -o json: the dry run's DryRunReport as JSON; with --events, one JSON object per event, loss and summary line. */
    @picocli.CommandLine.Mixin
    OutputOption output;

    @Option(names = "--limit", paramLabel = "N",
            description = "With --watch: at most N entries per map, the largest values first (default 8).")
    Integer limit;

    @Option(names = "--events", paramLabel = "MAP[:TYPE]",
            description = "Print the events of the ring buffer or perf event array MAP as they arrive (repeatable), "
                    + "decoded by the object's BTF type TYPE (`struct exec_event` or `exec_event`), else as hex.")
    java.util.List<String> events = new java.util.ArrayList<>();

    @Option(names = "--perf-pages", paramLabel = "N",
            description = "With --events: data pages per CPU of a perf buffer, a power of two (default 64).")
    Integer perfPages;

    @Option(names = "--run", paramLabel = "COMMAND",
            description = "Run COMMAND (with /bin/sh -c) once the session is live, detach when it exits, and exit "
                    + "with its status. With --duration, whichever ends first ends the other.")
    String run;

    @Option(names = "--background", description = "Leave a holder process that lives exactly as long as the session, and return once the session is live (detach it with `gew session detach ID`).")
    boolean background;

    @Option(names = "--allow-risky", description = "Allow requirements classified as risky (programs that can drop packets or deny operations, helpers that write user memory or send signals). Local only.")
    boolean allowRisky;

    @Option(names = "--dry-run", description = "Print what the pipeline needs from this kernel, each requirement "
            + "classified, and stop: nothing is loaded.")
    boolean dryRun;

    @Option(names = {"-v", "--verbose"}, description = "On a verifier refusal, print its full trace (log level 2).")
    boolean verbose;

    /** Refuses the combinations where one flag would be silently ignored (a usage error, before anything runs). */
    void check() {
        if (dryRun && (duration != null || watch != null || run != null || background || !events.isEmpty())) {
            throw new UserError("--dry-run loads nothing and holds nothing: leave out --duration, --watch, --run, "
                    + "--events and --background");
        }
        if (background && (run != null || watch != null || !events.isEmpty())) {
            throw new UserError("--background holds the session without a terminal: --run, --watch and --events need one");
        }
        // a flag that only shapes another flag's output is refused without it, rather than silently ignored
        if (limit != null && watch == null) {
            throw new UserError("--limit shapes what --watch prints: give --watch INTERVAL too, or leave --limit out");
        }
        if (perfPages != null && events.isEmpty()) {
            throw new UserError("--perf-pages sizes the perf buffers --events reads: give --events MAP too, or leave "
                    + "--perf-pages out");
        }
        if (limit != null && limit <= 0) {
            throw new UserError("--limit " + limit + ": give at least 1 entry per map");
        }
    }

    /** With --watch: the entries per map (--limit, default 8). */
    int limit() {
        return limit == null ? 8 : limit;
    }

    /** With --events: data pages per CPU of a perf buffer (--perf-pages, default 64). */
    int perfPages() {
        return perfPages == null ? 64 : perfPages;
    }
}
