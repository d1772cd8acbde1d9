package dev.gewyvern.cli;

import dev.gewyvern.session.SessionException;

/**
 * The exit codes of every gew command (docs/cli.md lists them). A script can tell a mistake in how it
 * called gew (2) from a refusal before anything was loaded (3), a missing session or target (4) and a
 * failure in the kernel or the host (1). This is the one place that maps a failure's kind to a code.
 */
enum ExitCode {
    /** It worked (for a dry run: the pipeline would be admitted). */
    OK(0, "success (for a dry run: the pipeline would be admitted)"),
    /** The kernel or the host refused or failed (a verifier refusal, an attach, a file gew could not use). */
    FAILED(1, "the kernel or the host refused or failed: a verifier refusal, an attach, a file gew could not use"),
    /** The command line or its input is wrong: an unknown flag, a bad value, an invalid pipeline or id. */
    USAGE(2, "the command line or its input is wrong: an unknown command or flag, a bad value, flags that do not go together, an invalid pipeline or id"),
    /** Refused before any kernel call: this kernel lacks a requirement, or it is risky without --allow-risky. */
    REFUSED(3, "refused before any kernel call: this kernel lacks a requirement, or it is risky without --allow-risky"),
    /** What the command names does not exist: a session, a file, a tracepoint, an interface, a function. */
    NOT_FOUND(4, "what the command names does not exist: a session, a file, a tracepoint, an interface, a function"),
    /** A bug in gew: it prints a trace to report. */
    INTERNAL(70, "a bug in gew: it prints a stack trace to report"),
    /** gew needs root (the effective uid is not 0). */
    NOT_ROOT(77, "gew needs root (the effective uid is not 0)");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** What the code means, as docs/cli.md and gew(1) say it. */
    String meaning() {
        return meaning;
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
