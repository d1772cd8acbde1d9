package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

/** BPF_LINK_CREATE; {@code cookie} is perf_event.bpf_cookie for perf-event links. */
public record LinkCreateAttr(int progFd, int targetFd, int attachType, int flags, long cookie) implements BpfAttr {
    static final AttrField PROG_FD = f("prog_fd", 0, 4);
    static final AttrField TARGET_FD = f("target_fd", 4, 4);
    static final AttrField ATTACH_TYPE = f("attach_type", 8, 4);
    static final AttrField FLAGS = f("flags", 12, 4);
    static final AttrField PERF_EVENT_BPF_COOKIE = f("perf_event.bpf_cookie", 16, 8);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", "link_create",
            List.of(PROG_FD, TARGET_FD, ATTACH_TYPE, FLAGS, PERF_EVENT_BPF_COOKIE));

    public BpfCommand command() {
        return BpfCommand.BPF_LINK_CREATE;
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    public void encode(AttrBuffer out) {
        out.u32(PROG_FD, progFd).u32(TARGET_FD, targetFd).u32(ATTACH_TYPE, attachType).u32(FLAGS, flags)
                .u64(PERF_EVENT_BPF_COOKIE, cookie);
    }
}
