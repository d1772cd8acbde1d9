package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

/**
 * BPF_LINK_CREATE of a netfilter program: a hook ({@code pf}, {@code hooknum}, {@code priority}) in the
 * network namespace of the calling thread.
 */
public record NetfilterLinkAttr(int progFd, int attachType, int pf, int hooknum, int priority, int flags)
        implements BpfAttr {
    static final AttrField PROG_FD = f("prog_fd", 0, 4);
    static final AttrField ATTACH_TYPE = f("attach_type", 8, 4);
    static final AttrField PF = f("netfilter.pf", 16, 4);
    static final AttrField HOOKNUM = f("netfilter.hooknum", 20, 4);
    static final AttrField PRIORITY = f("netfilter.priority", 24, 4);
    static final AttrField NF_FLAGS = f("netfilter.flags", 28, 4);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", "link_create",
            List.of(PROG_FD, ATTACH_TYPE, PF, HOOKNUM, PRIORITY, NF_FLAGS));

    public BpfCommand command() {
        return BpfCommand.BPF_LINK_CREATE;
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    public void encode(AttrBuffer out) {
        out.u32(PROG_FD, progFd).u32(ATTACH_TYPE, attachType).u32(PF, pf).u32(HOOKNUM, hooknum)
                .u32(PRIORITY, priority).u32(NF_FLAGS, flags);
    }
}
