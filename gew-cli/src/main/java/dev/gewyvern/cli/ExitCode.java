package dev.gewyvern.cli;

import dev.gewyvern.session.SessionException;

/**
 * The exit codes of every gew command (docs/cli.md lists them). A script can tell a mistake in how it
 * called gew (2) from a refusal before anything was loaded (3), a missing session or target (4) and a
 * failure in the kernel or the host (1). This is the one place that maps a failure's kind to a code.
 */
enum ExitCode {
    /** It worked (for a dry run: the pipeline would be admitted). */
    OK(0),
    /** The kernel or the host refused or failed (a verifier refusal, an attach, a file gew could not use). */
    FAILED(1),
    /** The command line or its input is wrong: an unknown flag, a bad value, an invalid pipeline or id. */
    USAGE(2),
    /** Refused before any kernel call: this kernel lacks a requirement, or it is risky without --allow-risky. */
    REFUSED(3),
    /** What the command names does not exist: a session, a file, a tracepoint, an interface, a function. */
    NOT_FOUND(4),
    /** A bug in gew: it prints a trace to report. */
    INTERNAL(70),
    /** gew needs root (the effective uid is not 0). */
    NOT_ROOT(77);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }

    static ExitCode of(SessionException.Kind kind) {
        return switch (kind) {
            case INVALID -> USAGE;
            case NOT_FOUND -> NOT_FOUND;
            case UNSUPPORTED, REFUSED -> REFUSED;
            case KERNEL, SYSTEM -> FAILED;
            case INTERNAL -> INTERNAL;
        };
    }
}
