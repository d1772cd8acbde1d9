package dev.gewyvern.cli;

import picocli.CommandLine.Command;

@Command(name = "object", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew object inspect testdata/obj/execcount.bpf.o"},
        description = "Look inside BPF object files (clang -target bpf output) without loading them.",
        subcommands = {ObjectInspectCommand.class})
final class ObjectCommand {
}
