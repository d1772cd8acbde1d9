package dev.gewyvern.cli;

import picocli.CommandLine.Parameters;

/** What every `gew map` command that names one map takes: the session and the map. */
final class MapOptions {
    @Parameters(index = "0", paramLabel = "SESSION", description = "The session id (see gew session list).")
    String session;

    @Parameters(index = "1", paramLabel = "MAP", description = "The map's name in the session (see gew map list).")
    String map;
}
