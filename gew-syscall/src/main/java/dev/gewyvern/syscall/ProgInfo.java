package dev.gewyvern.syscall;

import static dev.gewyvern.syscall.AttrLayout.f;

import java.util.List;

/** {@code struct bpf_prog_info}: what the kernel says of one of our programs. */
public record ProgInfo(int type, int id, String tag, int jitedLen, int xlatedLen, String name, int btfId,
                       int verifiedInsns, long runTimeNs, long runCount) {
    static final AttrField TYPE = f("type", 0, 4);
    static final AttrField ID = f("id", 4, 4);
    static final AttrField TAG = f("tag", 8, 8);
    static final AttrField JITED_PROG_LEN = f("jited_prog_len", 16, 4);
    static final AttrField XLATED_PROG_LEN = f("xlated_prog_len", 20, 4);
    static final AttrField NAME = f("name", 64, 16);
    static final AttrField BTF_ID = f("btf_id", 128, 4);
    static final AttrField RUN_TIME_NS = f("run_time_ns", 192, 8);
    static final AttrField RUN_CNT = f("run_cnt", 200, 8);
    static final AttrField VERIFIED_INSNS = f("verified_insns", 216, 4);
    static final AttrLayout LAYOUT = new AttrLayout("bpf_prog_info", null, List.of(TYPE, ID, TAG, JITED_PROG_LEN,
            XLATED_PROG_LEN, NAME, BTF_ID, RUN_TIME_NS, RUN_CNT, VERIFIED_INSNS));

    static ProgInfo decode(byte[] bytes) {
        InfoReader r = new InfoReader(bytes);
        return new ProgInfo(r.u32(TYPE), r.u32(ID), r.hex(TAG), r.u32(JITED_PROG_LEN), r.u32(XLATED_PROG_LEN),
                r.chars(NAME), r.u32(BTF_ID), r.u32(VERIFIED_INSNS), r.u64(RUN_TIME_NS), r.u64(RUN_CNT));
    }
}
