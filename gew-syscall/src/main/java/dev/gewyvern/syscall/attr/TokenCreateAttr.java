package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

/** BPF_TOKEN_CREATE: a BPF token from a bpffs mounted with delegation options (6.9+). */
public record TokenCreateAttr(int flags, int bpffsFd) implements BpfAttr {
    static final AttrField FLAGS = f("flags", 0, 4);
    static final AttrField BPFFS_FD = f("bpffs_fd", 4, 4);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", "token_create", List.of(FLAGS, BPFFS_FD));

    public BpfCommand command() {
        return BpfCommand.BPF_TOKEN_CREATE;
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    public void encode(AttrBuffer out) {
        out.u32(FLAGS, flags).u32(BPFFS_FD, bpffsFd);
    }
}
