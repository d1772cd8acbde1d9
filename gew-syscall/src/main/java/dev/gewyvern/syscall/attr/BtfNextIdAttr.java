package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

/**
 * BPF_BTF_GET_NEXT_ID: the id of the BTF object after {@code startId}. Issued only by
 * {@link dev.gewyvern.syscall.ModuleBtfIds}, which walks BTF ids (never program, map or link ids) to find a module's.
 */
public record BtfNextIdAttr(int startId) implements BpfAttr {
    static final AttrField START_ID = f("start_id", 0, 4);
    public static final AttrField NEXT_ID = f("next_id", 4, 4);
    static final AttrField OPEN_FLAGS = f("open_flags", 8, 4);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", null, List.of(START_ID, NEXT_ID, OPEN_FLAGS));

    public BpfCommand command() {
        return BpfCommand.BPF_BTF_GET_NEXT_ID;
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    public void encode(AttrBuffer out) {
        out.u32(START_ID, startId);
    }
}
