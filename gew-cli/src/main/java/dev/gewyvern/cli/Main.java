package dev.gewyvern.cli;

import picocli.CommandLine;

/** The {@code gew} entry point. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return configured(commandLine(args)).execute(args);
    }

    /** The same command line with its output and errors written to {@code out} and {@code err} (tests). */
    static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = configured(commandLine(args));
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    private static CommandLine configured(CommandLine cl) {
        ErrorReporter errors = new ErrorReporter();
        cl.setExecutionExceptionHandler(errors);
        cl.setParameterExceptionHandler(errors);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    /**
     * The command tree a command line needs: only the commands it names (picocli builds each one's model by
     * reflection, the largest part of a cold start of a light command), the whole level where it names none
     * that exists (help, or a typo to suggest a command for).
     */
    static CommandLine commandLine(String... args) {
        if (args.length == 0 || !GewCommand.SUBCOMMANDS.containsKey(args[0])) {
            if (args.length == 1 && (args[0].equals("-V") || args[0].equals("--version"))) {
                return new CommandLine(new GewCommand());
            }
            return GewCommand.full();
        }
        CommandLine cl = new CommandLine(new GewCommand());
        cl.addSubcommand(args[0], GewCommand.SUBCOMMANDS.get(args[0]));
        java.util.Map<String, Class<?>> group = GewCommand.GROUPS.get(args[0]);
        if (group != null) {
            CommandLine g = cl.getSubcommands().get(args[0]);
            Class<?> named = args.length > 1 ? group.get(args[1]) : null;
            if (named != null) {
                g.addSubcommand(args[1], named);
            } else {
                group.forEach(g::addSubcommand);
            }
        }
        return cl;
    }
}
