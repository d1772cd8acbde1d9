package dev.gewyvern.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What every `gew map` command that names one map takes: the session, the map, and how to print. */
final class MapOptions {
    @Parameters(index = "0", paramLabel = "SESSION", description = "The session id (see gew session list).")
    String session;

    @Parameters(index = "1", paramLabel = "MAP", description = "The map's name in the session (see gew map list).")
    String map;

    /** How a report is printed. */
    enum Format { text, json }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json.")
    Format output;

    boolean json() {
        return output == Format.json;
    }
}
