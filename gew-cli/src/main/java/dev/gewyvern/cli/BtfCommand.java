package dev.gewyvern.cli;

import picocli.CommandLine.Command;

@Command(name = "btf", mixinStandardHelpOptions = true, description = "Look at BTF: an object's, or the kernel's own.",
        subcommands = {BtfDumpCommand.class})
final class BtfCommand {
}
