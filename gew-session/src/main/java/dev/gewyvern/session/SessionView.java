package dev.gewyvern.session;

import java.util.List;

import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.proto.v1.SessionRecord;

/**
 * A session as `gew session show` presents it: its record, where it is pinned, its maps (each a
 * {@link MapContents} report: typed entries, or what its type shows instead, or why it could not be read)
 * and its links as the kernel describes them.
 */
public record SessionView(SessionRecord record, String pinPath, boolean ownerAlive, List<ProgramView> programs,
                          List<MapContents> maps, List<LinkView> links) {
    public SessionView {
        programs = List.copyOf(programs);
        maps = List.copyOf(maps);
        links = List.copyOf(links);
    }

    public SessionView(SessionRecord record, String pinPath, boolean ownerAlive, List<ProgramView> programs,
                       List<MapContents> maps) {
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

}
