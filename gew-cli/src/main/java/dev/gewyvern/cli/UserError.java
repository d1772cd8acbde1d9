package dev.gewyvern.cli;

/** A mistake in how gew was called (or where): printed as one clear line, no stack trace. */
final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ExitCode exitCode;

    UserError(String message) {
        this(message, ExitCode.FAILED);
    }

    UserError(String message, ExitCode exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode.code();
    }
}
