package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IHelpCommandInitializable2;
import picocli.CommandLine.Parameters;

/**
 * {@code gew help [COMMAND...]}: the help of gew or of any command in the tree ({@code gew help session apply}
 * prints what {@code gew session apply --help} prints). picocli's own help command looks one level down only.
 */
@Command(name = "help", helpCommand = true, description = "Print the help of gew, or of a command.",
        footerHeading = "%nExamples:%n", footer = {"  gew help", "  gew help session apply"})
final class HelpCommand implements IHelpCommandInitializable2, Callable<Integer> {
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "A command, e.g. session apply.")
    List<String> words = new ArrayList<>();

    private CommandLine self;
    private CommandLine.Help.ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter out,
            PrintWriter err) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = out;
    }

    @Override
    public Integer call() {
        CommandLine c = self.getParent();
        for (String w : words) {
            CommandLine next = c.getSubcommands().get(w);
            if (next == null) {
                List<String> known = new ArrayList<>(c.getSubcommands().keySet());
                known.remove("help");
                throw new CommandLine.ParameterException(self, "'" + w + "' is not a command of "
                        + c.getCommandSpec().qualifiedName() + ": the commands are " + String.join(", ", known));
            }
            c = next;
        }
        c.usage(out, colors);
        return 0;
    }
}
