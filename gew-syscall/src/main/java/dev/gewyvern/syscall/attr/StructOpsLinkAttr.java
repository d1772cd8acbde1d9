package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

/**
 * BPF_LINK_CREATE of a struct_ops link: registers the struct_ops map {@code mapFd} (created with
 * BPF_F_LINK, its value already written) with the kernel subsystem its type belongs to; closing the last
 * reference to the link unregisters it.
 */
public record StructOpsLinkAttr(int mapFd, int attachType) implements BpfAttr {
    static final AttrField MAP_FD = f("map_fd", 0, 4);
    static final AttrField TARGET_FD = f("target_fd", 4, 4);
    static final AttrField ATTACH_TYPE = f("attach_type", 8, 4);
    static final AttrField FLAGS = f("flags", 12, 4);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", "link_create",
            List.of(MAP_FD, TARGET_FD, ATTACH_TYPE, FLAGS));

    public BpfCommand command() {
        return BpfCommand.BPF_LINK_CREATE;
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    public void encode(AttrBuffer out) {
        out.u32(MAP_FD, mapFd).u32(ATTACH_TYPE, attachType);
    }
}
