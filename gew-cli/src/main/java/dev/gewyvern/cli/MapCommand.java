package dev.gewyvern.cli;

import picocli.CommandLine.Command;

@Command(name = "map", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew map list execsnoop-3f9a",
            "  gew map dump execsnoop-3f9a counts -o json",
            "  gew map update execsnoop-3f9a counts --key '\"bash\"' --value 41"},
        description = "Read and write the maps of gewyvern's own sessions, opened through the session's pins (never by "
                + "kernel id): keys and values as JSON typed by the map's BTF (a struct as an object, char[N] as a "
                + "string, \"hex:HEX\" or hex:HEX for raw bytes).",
        subcommands = {MapListCommand.class, MapShowCommand.class, MapDumpCommand.class, MapLookupCommand.class,
                MapUpdateCommand.class, MapDeleteCommand.class})
final class MapCommand {
}
