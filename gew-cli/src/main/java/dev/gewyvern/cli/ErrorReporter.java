package dev.gewyvern.cli;

import java.io.PrintWriter;

import dev.gewyvern.session.SessionException;
import dev.gewyvern.syscall.BpfException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into messages: a user's mistake or a kernel refusal prints what failed and what to do
 * (with the verifier's log), never a stack trace. Only a bug in gew itself prints one.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (ex instanceof UserError u) {
            err.println("gew: " + u.getMessage());
            err.flush();
            return u.exitCode();
        }
        if (ex instanceof SessionException s && s.kind() != SessionException.Kind.INTERNAL) {
            err.println("gew: " + s.step().word() + ": " + s.getMessage());
            printLog(err, s.verifierLog());
            err.flush();
            return ExitCode.of(s.kind()).code();
        }
        if (ex instanceof dev.gewyvern.session.control.ControlException c) {
            err.println("gew: " + c.getMessage());
            err.flush();
            return ExitCode.FAILED.code();
        }
        if (ex instanceof BpfException b) {
            err.println("gew: " + b.getMessage());
            printLog(err, b.verifierLog());
            err.flush();
            return ExitCode.FAILED.code();
        }
        err.println("gew: internal error (a bug in gew; please report it with this trace):");
        ex.printStackTrace(err);
        err.flush();
        return ExitCode.INTERNAL.code();
    }

    private static void printLog(PrintWriter err, String log) {
        if (log != null && !log.isEmpty()) {
            err.println("verifier log:");
            for (String line : log.split("\n")) {
                err.println("  " + line);
            }
        }
    }
}
