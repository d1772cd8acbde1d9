package dev.gewyvern.cli;

import java.io.PrintWriter;

import dev.gewyvern.session.SessionException;
import dev.gewyvern.syscall.BpfException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into messages: a user's mistake or a kernel refusal prints what failed and what to do
 * (with the verifier's log), never a stack trace. Only a bug in gew itself prints one.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {
    /**
     * A command line picocli could not parse: one line naming the command, what is wrong and where to read
     * more, exit 2. An unknown command says which ones exist (or the nearest), a group without a command
     * lists its commands.
     */
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        String path = cl.getCommandSpec().qualifiedName();
        String what;
        java.util.Set<String> commands = cl.getSubcommands().keySet();
        if (ex instanceof UnmatchedArgumentException u && !commands.isEmpty() && cl.getParseResult() != null
                && !cl.getParseResult().hasSubcommand() && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-")) {
            java.util.List<String> near = u.getSuggestions();
            what = "'" + u.getUnmatched().get(0) + "' is not a command of " + path + ": "
                    + (near.isEmpty() ? "the commands are " + String.join(", ", commands)
                            : "did you mean " + near.get(0) + "?");
        } else if (!commands.isEmpty() && String.valueOf(ex.getMessage()).startsWith("Missing required subcommand")) {
            what = "name a command: " + String.join(", ", commands);
        } else {
            what = sentence(ex.getMessage());
        }
        String sub = path.equals("gew") ? "" : path.substring("gew ".length());
        PrintWriter err = cl.getErr();
        err.println("gew: " + (sub.isEmpty() ? "" : sub + ": ") + what + " (see 'gew help" + (sub.isEmpty() ? "" : " " + sub)
                + "')");
        err.flush();
        return ExitCode.USAGE.code();
    }

    /** picocli's text as a clause of our line: lower-case start, one line. */
    private static String sentence(String message) {
        String m = message == null ? "invalid command line" : message.strip().replace('\n', ' ');
        if (m.length() > 1 && Character.isUpperCase(m.charAt(0)) && Character.isLowerCase(m.charAt(1))) {
            m = Character.toLowerCase(m.charAt(0)) + m.substring(1);
        }
        return m;
    }

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
