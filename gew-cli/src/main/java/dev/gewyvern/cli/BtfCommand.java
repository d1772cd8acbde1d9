package dev.gewyvern.cli;

import picocli.CommandLine.Command;

@Command(name = "btf", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew btf dump --kernel --format c > vmlinux.h"},
        description = "Look at BTF: an object's, or the kernel's own.",
        subcommands = {BtfDumpCommand.class})
final class BtfCommand {
}
