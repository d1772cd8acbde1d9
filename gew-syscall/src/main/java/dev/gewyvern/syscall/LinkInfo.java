package dev.gewyvern.syscall;

import static dev.gewyvern.syscall.AttrLayout.f;

import java.util.List;

/** {@code struct bpf_link_info}: a link's type, id and program. */
public record LinkInfo(int type, int id, int progId) {
    static final AttrField TYPE = f("type", 0, 4);
    static final AttrField ID = f("id", 4, 4);
    static final AttrField PROG_ID = f("prog_id", 8, 4);
    static final AttrLayout LAYOUT = new AttrLayout("bpf_link_info", null, List.of(TYPE, ID, PROG_ID));

    static LinkInfo decode(byte[] bytes) {
        InfoReader r = new InfoReader(bytes);
        return new LinkInfo(r.u32(TYPE), r.u32(ID), r.u32(PROG_ID));
    }
}
