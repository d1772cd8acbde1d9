package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

/**
 * BPF_RAW_TRACEPOINT_OPEN: links a raw_tp program to the raw tracepoint {@code name}, or (name null) a
 * tracing program (tp_btf) to the target it was loaded for. The result is a bpf_link.
 */
public record RawTracepointOpenAttr(String name, int progFd, long cookie) implements BpfAttr {
    static final AttrField NAME = f("name", 0, 8);
    static final AttrField PROG_FD = f("prog_fd", 8, 4);
    static final AttrField COOKIE = f("cookie", 16, 8);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", "raw_tracepoint", List.of(NAME, PROG_FD, COOKIE));

    public BpfCommand command() {
        return BpfCommand.BPF_RAW_TRACEPOINT_OPEN;
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    public void encode(AttrBuffer out) {
        out.ptr(NAME, name == null ? null : NativeArg.cString(name)).u32(PROG_FD, progFd).u64(COOKIE, cookie);
    }
}
