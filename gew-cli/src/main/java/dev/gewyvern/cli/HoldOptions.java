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
            description = "Print the session's maps every INTERVAL while it holds.")
    Duration watch;

    /** -o json: the dry run's DryRunReport as JSON. */
    @picocli.CommandLine.Mixin
    OutputOption output;

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
        if (dryRun && (duration != null || watch != null || run != null || background)) {
            throw new UserError("--dry-run loads nothing and holds nothing: leave out --duration, --watch, --run and "
                    + "--background");
        }
        if (background && (run != null || watch != null)) {
            throw new UserError("--background holds the session without a terminal: --run and --watch need one");
        }
    }
}
