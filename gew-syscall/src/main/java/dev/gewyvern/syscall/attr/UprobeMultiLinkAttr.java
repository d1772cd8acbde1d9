package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

/**
 * BPF_LINK_CREATE of a uprobe.multi link (6.6+): one link holding uprobes at several file offsets of one
 * binary; {@code cookies} (none, or one per offset) are what bpf_get_attach_cookie() returns at each;
 * {@code flags} BPF_F_UPROBE_MULTI_RETURN makes them uretprobes; {@code pid} 0 for every process.
 */
public record UprobeMultiLinkAttr(int progFd, int attachType, String path, long[] offsets, long[] cookies, int flags,
                                  int pid)
        implements BpfAttr {
    static final AttrField PROG_FD = f("prog_fd", 0, 4);
    static final AttrField ATTACH_TYPE = f("attach_type", 8, 4);
    static final AttrField PATH = f("uprobe_multi.path", 16, 8);
    static final AttrField OFFSETS = f("uprobe_multi.offsets", 24, 8);
    static final AttrField REF_CTR_OFFSETS = f("uprobe_multi.ref_ctr_offsets", 32, 8);
    static final AttrField COOKIES = f("uprobe_multi.cookies", 40, 8);
    static final AttrField CNT = f("uprobe_multi.cnt", 48, 4);
    static final AttrField UM_FLAGS = f("uprobe_multi.flags", 52, 4);
    static final AttrField PID = f("uprobe_multi.pid", 56, 4);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", "link_create",
            List.of(PROG_FD, ATTACH_TYPE, PATH, OFFSETS, REF_CTR_OFFSETS, COOKIES, CNT, UM_FLAGS, PID));

    public UprobeMultiLinkAttr {
        offsets = offsets.clone();
        cookies = cookies.clone();
        if (offsets.length == 0) {
            throw new IllegalArgumentException("a uprobe.multi link needs at least one offset");
        }
        if (cookies.length != 0 && cookies.length != offsets.length) {
            throw new IllegalArgumentException("a uprobe.multi link takes no cookies or one per offset, not "
                    + cookies.length + " for " + offsets.length);
        }
    }

    @Override
    public long[] offsets() {
        return offsets.clone();
    }

    @Override
    public long[] cookies() {
        return cookies.clone();
    }

    public BpfCommand command() {
        return BpfCommand.BPF_LINK_CREATE;
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    public void encode(AttrBuffer out) {
        out.u32(PROG_FD, progFd).u32(ATTACH_TYPE, attachType).ptr(PATH, NativeArg.cString(path))
                .ptr(OFFSETS, NativeArg.u64s(offsets)).u32(CNT, offsets.length).u32(UM_FLAGS, flags).u32(PID, pid);
        if (cookies.length > 0) {
            out.ptr(COOKIES, NativeArg.u64s(cookies));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UprobeMultiLinkAttr u && u.progFd == progFd && u.attachType == attachType
                && u.path.equals(path) && java.util.Arrays.equals(u.offsets, offsets)
                && java.util.Arrays.equals(u.cookies, cookies) && u.flags == flags && u.pid == pid;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(progFd, attachType, path, java.util.Arrays.hashCode(offsets),
                java.util.Arrays.hashCode(cookies), flags, pid);
    }
}
