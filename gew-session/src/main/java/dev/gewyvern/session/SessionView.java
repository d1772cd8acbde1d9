package dev.gewyvern.session;

import java.util.List;

import dev.gewyvern.proto.v1.SessionRecord;

/**
 * A session as `gew session show` presents it: its record, where it is pinned, its maps' contents and
 * its links as the kernel describes them.
 */
public record SessionView(SessionRecord record, String pinPath, boolean ownerAlive, List<ProgramView> programs,
                          List<MapView> maps, List<LinkView> links) {
    public SessionView {
        programs = List.copyOf(programs);
        maps = List.copyOf(maps);
        links = List.copyOf(links);
    }

    public SessionView(SessionRecord record, String pinPath, boolean ownerAlive, List<ProgramView> programs,
                       List<MapView> maps) {
        this(record, pinPath, ownerAlive, programs, maps, List.of());
    }

    /** A pinned link: its kernel type and id, its program's id, and its target as the kernel reports it. */
    public record LinkView(String name, String type, int id, int progId, String target) {}

    /**
     * A pinned program as the kernel describes it (bpf_prog_info: sizes of its translated and JIT-compiled
     * code in bytes, when it was loaded, its BTF object's id or 0), with what verifying it cost as the session recorded it (null for a
     * session whose record predates that).
     */
    public record ProgramView(String name, String type, int id, String tag, int verifiedInsns, long runCount,
                              long runTimeNs, List<Integer> mapIds, int xlatedBytes, int jitedBytes,
                              long loadedAtUnixMs, int btfId, dev.gewyvern.proto.v1.Verification verification) {
        public ProgramView {
            mapIds = List.copyOf(mapIds);
        }
    }

    /**
     * A map with its BTF key and value types and their sizes in bytes, its flags, its BTF object's id (0: none), its entries rendered as
     * text (at most the limit asked for) and how many entries it holds in all.
     */
    public record MapView(String name, String type, int id, String keyType, String valueType, int maxEntries,
                          List<Entry> entries, long totalEntries, int keySize, int valueSize, int flags, int btfId) {
        public MapView {
            entries = List.copyOf(entries);
        }
    }

    public record Entry(String key, String value) {}
}
