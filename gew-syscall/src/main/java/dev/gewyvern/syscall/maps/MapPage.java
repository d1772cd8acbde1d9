package dev.gewyvern.syscall.maps;

import java.util.List;

/**
 * A run of a map's entries in the kernel's order, and the token to ask for the next run with (null when
 * the map has no more). The token is the kernel's batch position where the map type has batches, else
 * the last key.
 */
public record MapPage(List<MapEntryBytes> entries, byte[] next, boolean batched) {
    public MapPage {
        entries = List.copyOf(entries);
    }

    public boolean done() {
        return next == null;
    }
}
