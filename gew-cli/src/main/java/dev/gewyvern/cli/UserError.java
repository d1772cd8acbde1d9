package dev.gewyvern.cli;

/** A mistake in how gew was called (or where): printed as one clear line, no stack trace. */
final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    UserError(String message) {
        this(message, ErrorReporter.EXIT_FAILED);
    }

    UserError(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
