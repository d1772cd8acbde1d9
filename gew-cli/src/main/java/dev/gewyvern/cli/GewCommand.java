package dev.gewyvern.cli;

import picocli.CommandLine.Command;

@Command(name = "gew", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew session apply testdata/pipelines/execcount.txtpb --duration 10s",
            "  gew session list",
            "  gew help session apply"},
        versionProvider = Version.class,
        description = "gewyvern: a Linux eBPF execution runtime. Sessions of BPF programs, applied as transactions.")
final class GewCommand {
    /**
     * The top-level commands, by name. Main registers only the one a command line names (all of them for
     * help or a typo), because picocli builds each command's model by reflection and start-up time matters.
     */
    static final java.util.Map<String, Class<?>> SUBCOMMANDS = new java.util.LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("runtime", RuntimeCommand.class);
        SUBCOMMANDS.put("session", SessionCommand.class);
        SUBCOMMANDS.put("map", MapCommand.class);
        SUBCOMMANDS.put("serve", ServeCommand.class);
        SUBCOMMANDS.put("pair", PairCommand.class);
        SUBCOMMANDS.put("unpair", UnpairCommand.class);
        SUBCOMMANDS.put("btf", BtfCommand.class);
        SUBCOMMANDS.put("probe", ProbeCommand.class);
        SUBCOMMANDS.put("object", ObjectCommand.class);
        SUBCOMMANDS.put("completion", CompletionCommand.class);
    }

    /** The groups whose commands are registered lazily too, by group name: each group's commands by name. */
    static final java.util.Map<String, java.util.Map<String, Class<?>>> GROUPS = java.util.Map.of(
            "session", SessionCommand.SUBCOMMANDS);

    /** Every command, registered: the whole tree, for help, completion and documentation. */
    static picocli.CommandLine full() {
        picocli.CommandLine cl = new picocli.CommandLine(new GewCommand());
        SUBCOMMANDS.forEach(cl::addSubcommand);
        GROUPS.forEach((group, commands) -> commands.forEach(cl.getSubcommands().get(group)::addSubcommand));
        cl.addSubcommand("help", HelpCommand.class);
        return cl;
    }
}
