package dev.gewyvern.cli;

import picocli.CommandLine.Command;

@Command(name = "probe", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew probe list 'tracepoint:sched:*'"},
        description = "Attach points this kernel offers.",
        subcommands = {ProbeListCommand.class})
final class ProbeCommand {
}
