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
        CommandLine cl = new CommandLine(new GewCommand());
        Class<?> named = args.length > 0 ? GewCommand.SUBCOMMANDS.get(args[0]) : null;
        if (named != null) {
            cl.addSubcommand(args[0], named);
        } else if (!(args.length == 1 && (args[0].equals("-V") || args[0].equals("--version")))) {
            GewCommand.SUBCOMMANDS.forEach(cl::addSubcommand); // help, or a typo to suggest a command for
        }
        cl.setExecutionExceptionHandler(new ErrorReporter());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl.execute(args);
    }
}
