package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

/** BPF_MAP_FREEZE: no more writes from user space (for .rodata). */
public record MapFreezeAttr(int mapFd) implements BpfAttr {
    static final AttrField MAP_FD = f("map_fd", 0, 4);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", null, List.of(MAP_FD));

    public BpfCommand command() {
        return BpfCommand.BPF_MAP_FREEZE;
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    public void encode(AttrBuffer out) {
        out.u32(MAP_FD, mapFd);
    }
}
