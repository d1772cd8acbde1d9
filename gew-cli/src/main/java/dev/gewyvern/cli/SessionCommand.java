package dev.gewyvern.cli;

import picocli.CommandLine.Command;

@Command(name = "session", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew session apply testdata/pipelines/execcount.txtpb --background",
            "  gew session list",
            "  gew session detach ID"},
        description = "Apply, list, show and detach sessions: sets of BPF programs applied as one transaction.")
final class SessionCommand {
    /**
     * The session commands, by name. Main registers only the one a command line names (all of them for help
     * or a typo), as it does for the top-level commands: picocli builds each command's model by reflection,
     * and `session list` need not pay for apply's options.
     */
    static final java.util.Map<String, Class<?>> SUBCOMMANDS = new java.util.LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("apply", SessionApplyCommand.class);
        SUBCOMMANDS.put("list", SessionListCommand.class);
        SUBCOMMANDS.put("show", SessionShowCommand.class);
        SUBCOMMANDS.put("detach", SessionDetachCommand.class);
        SUBCOMMANDS.put("export", SessionExportCommand.class);
        SUBCOMMANDS.put("replay", SessionReplayCommand.class);
    }
}
