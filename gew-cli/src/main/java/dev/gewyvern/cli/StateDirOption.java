package dev.gewyvern.cli;

import java.nio.file.Path;

import dev.gewyvern.session.control.StateDir;
import picocli.CommandLine.Option;

/** {@code --state-dir}: where keys and pairing records live (docs/security.md), shared by serve, pair and unpair. */
final class StateDirOption {
    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/gewyvern",
            description = "Keys and pairing (default ${DEFAULT-VALUE}).")
    Path dir;

    /** The folder, made if missing and checked (0700, root's, not a link). */
    StateDir open() {
        return new StateDir(dir).open();
    }
}
