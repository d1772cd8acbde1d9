package dev.gewyvern.session;

import java.util.List;

import dev.gewyvern.proto.v1.SessionRecord;

/** A session as `gew session show` presents it: its record, where it is pinned, and its maps' contents. */
public record SessionView(SessionRecord record, String pinPath, boolean ownerAlive, List<ProgramView> programs,
                          List<MapView> maps) {
    public SessionView {
        programs = List.copyOf(programs);
        maps = List.copyOf(maps);
    }

    public record ProgramView(String name, String type, int id, String tag, int verifiedInsns, long runCount,
                              long runTimeNs) {}

    /**
     * A map with its BTF key and value types, its entries rendered as text (at most the limit asked
     * for) and how many entries it holds in all.
     */
    public record MapView(String name, String type, int id, String keyType, String valueType, int maxEntries,
                          List<Entry> entries, long totalEntries) {
        public MapView {
            entries = List.copyOf(entries);
        }
    }

    public record Entry(String key, String value) {}
}
