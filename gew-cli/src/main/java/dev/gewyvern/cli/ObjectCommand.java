package dev.gewyvern.cli;

import picocli.CommandLine.Command;

@Command(name = "object", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew object inspect testdata/obj/execcount.bpf.o",
                "  gew object check testdata/obj/execcount.bpf.o testdata/obj/iproute2.bpf.o"},
        description = "Look inside BPF object files (clang -target bpf output), and check whether they load here.",
        subcommands = {ObjectInspectCommand.class, ObjectCheckCommand.class})
final class ObjectCommand {
}
