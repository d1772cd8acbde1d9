package dev.gewyvern.cli;

import picocli.CommandLine.Command;

@Command(name = "runtime", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew runtime info --verbose"},
        description = "What this machine offers gewyvern.",
        subcommands = {RuntimeInfoCommand.class})
final class RuntimeCommand {
}
