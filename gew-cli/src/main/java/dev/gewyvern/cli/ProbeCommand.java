package dev.gewyvern.cli;

import picocli.CommandLine.Command;

@Command(name = "probe", mixinStandardHelpOptions = true, description = "Attach points this kernel offers.",
        subcommands = {ProbeListCommand.class})
final class ProbeCommand {
}
