package dev.gewyvern.syscall;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

import dev.gewyvern.syscall.attr.AttrField;
import dev.gewyvern.syscall.attr.AttrLayout;

/**
 * {@code struct bpf_prog_info}: what the kernel says of one of our programs, with the ids of the maps it uses;
 * {@code loadTimeNs} is when it was loaded, in nanoseconds since boot (CLOCK_BOOTTIME).
 */
public record ProgInfo(int type, int id, String tag, int jitedLen, int xlatedLen, String name, int btfId,
                       int verifiedInsns, long runTimeNs, long runCount, int[] mapIds, long loadTimeNs) {
    static final AttrField TYPE = f("type", 0, 4);
    static final AttrField ID = f("id", 4, 4);
    static final AttrField TAG = f("tag", 8, 8);
    static final AttrField JITED_PROG_LEN = f("jited_prog_len", 16, 4);
    static final AttrField XLATED_PROG_LEN = f("xlated_prog_len", 20, 4);
    static final AttrField XLATED_PROG_INSNS = f("xlated_prog_insns", 32, 8);
    static final AttrField LOAD_TIME = f("load_time", 40, 8);
    static final AttrField NR_MAP_IDS = f("nr_map_ids", 52, 4);
    static final AttrField MAP_IDS = f("map_ids", 56, 8);
    static final AttrField NAME = f("name", 64, 16);
    static final AttrField BTF_ID = f("btf_id", 128, 4);
    static final AttrField RUN_TIME_NS = f("run_time_ns", 192, 8);
    static final AttrField RUN_CNT = f("run_cnt", 200, 8);
    static final AttrField VERIFIED_INSNS = f("verified_insns", 216, 4);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_prog_info", null, List.of(TYPE, ID, TAG, JITED_PROG_LEN,
            XLATED_PROG_LEN, XLATED_PROG_INSNS, LOAD_TIME, NR_MAP_IDS, MAP_IDS, NAME, BTF_ID, RUN_TIME_NS, RUN_CNT,
            VERIFIED_INSNS));

    public ProgInfo {
        mapIds = mapIds.clone();
    }

    @Override
    public int[] mapIds() {
        return mapIds.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProgInfo p && p.type == type && p.id == id && p.tag.equals(tag) && p.jitedLen == jitedLen
                && p.xlatedLen == xlatedLen && p.name.equals(name) && p.btfId == btfId && p.verifiedInsns == verifiedInsns
                && p.runTimeNs == runTimeNs && p.runCount == runCount && java.util.Arrays.equals(p.mapIds, mapIds)
                && p.loadTimeNs == loadTimeNs;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(type, id, tag, name, java.util.Arrays.hashCode(mapIds));
    }

    static int mapCount(byte[] bytes) {
        return new InfoReader(bytes).u32(NR_MAP_IDS);
    }

    /** The info, with {@code mapIds} as the kernel filled them (4 bytes each, host order). */
    static ProgInfo decode(byte[] bytes, byte[] mapIdBytes) {
        InfoReader r = new InfoReader(bytes);
        java.nio.ByteBuffer ids = java.nio.ByteBuffer.wrap(mapIdBytes).order(java.nio.ByteOrder.nativeOrder());
        int[] mapIds = new int[mapIdBytes.length / 4];
        for (int i = 0; i < mapIds.length; i++) {
            mapIds[i] = ids.getInt(i * 4);
        }
        return new ProgInfo(r.u32(TYPE), r.u32(ID), r.hex(TAG), r.u32(JITED_PROG_LEN), r.u32(XLATED_PROG_LEN),
                r.chars(NAME), r.u32(BTF_ID), r.u32(VERIFIED_INSNS), r.u64(RUN_TIME_NS), r.u64(RUN_CNT), mapIds,
                r.u64(LOAD_TIME));
    }
}
