package dev.gewyvern.cli;

import picocli.CommandLine.Command;

@Command(name = "gew", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "gewyvern: a Linux eBPF execution runtime. Sessions of BPF programs, applied as transactions.",
        subcommands = {RuntimeCommand.class, SessionCommand.class, ObjectCommand.class})
final class GewCommand {
}
