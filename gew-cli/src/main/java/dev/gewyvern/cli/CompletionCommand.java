package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gew completion bash|zsh}: the shell completion script of the whole command tree, generated from the
 * same command model the parser uses (picocli's generator), so it cannot fall behind a new command or flag.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Print the shell completion script for bash or zsh (commands, flags, enum values, files).",
        footerHeading = "%nExamples:%n",
        footer = {"  source <(gew completion bash)                     # this shell",
            "  gew completion bash > /etc/bash_completion.d/gew  # every bash",
            "  source <(gew completion zsh)                      # in ~/.zshrc"})
final class CompletionCommand implements Callable<Integer> {
    /** The shells the script is for. */
    enum Shell { bash, zsh }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        // one script for both: it loads zsh's bashcompinit itself when zsh sources it
        out.print(AutoComplete.bash("gew", GewCommand.full()));
        out.flush();
        return 0;
    }
}
