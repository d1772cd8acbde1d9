package dev.gewyvern.cli;

import java.io.IOException;
import java.nio.file.NoSuchFileException;

import dev.gewyvern.session.IoErrors;

/**
 * A failure a user can act on, printed as one line without a stack trace. By default a mistake in how gew
 * was called or in what it was given (exit 2); a file that cannot be read says why in words and exits 4
 * when it does not exist, 1 otherwise.
 */
final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ExitCode exitCode;

    UserError(String message) {
        this(message, ExitCode.USAGE);
    }

    UserError(String message, ExitCode exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    /** "cannot read WHAT: no such file or folder" (exit 4), or the reason it could not be read (exit 1). */
    static UserError cannotRead(Object what, IOException e) {
        return new UserError("cannot read " + what + ": " + IoErrors.reason(e),
                e instanceof NoSuchFileException ? ExitCode.NOT_FOUND : ExitCode.FAILED);
    }

    int exitCode() {
        return exitCode.code();
    }
}
