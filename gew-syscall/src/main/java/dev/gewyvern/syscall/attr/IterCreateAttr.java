package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

/** BPF_ITER_CREATE: a readable file from an iterator link; each read(2) runs the program again. */
public record IterCreateAttr(int linkFd, int flags) implements BpfAttr {
    static final AttrField LINK_FD = f("link_fd", 0, 4);
    static final AttrField FLAGS = f("flags", 4, 4);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", "iter_create", List.of(LINK_FD, FLAGS));

    public BpfCommand command() {
        return BpfCommand.BPF_ITER_CREATE;
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    public void encode(AttrBuffer out) {
        out.u32(LINK_FD, linkFd).u32(FLAGS, flags);
    }
}
