package dev.gewyvern.cli;

import picocli.CommandLine.Command;

@Command(name = "session", mixinStandardHelpOptions = true,
        description = "Apply, list, show and detach sessions: sets of BPF programs applied as one transaction.",
        subcommands = {SessionApplyCommand.class, SessionListCommand.class, SessionShowCommand.class,
                SessionDetachCommand.class, SessionExportCommand.class, SessionReplayCommand.class})
final class SessionCommand {
}
