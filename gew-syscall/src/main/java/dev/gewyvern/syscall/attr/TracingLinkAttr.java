package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

/**
 * BPF_LINK_CREATE of a tracing link: fentry, fexit, fmod_ret and lsm programs (target fd 0: the target
 * was fixed at load by attach_btf_id), and freplace programs ({@code targetFd} the program whose function
 * {@code targetBtfId} is replaced, 0 and 0 for the target given at load).
 */
public record TracingLinkAttr(int progFd, int targetFd, int attachType, int targetBtfId, long cookie)
        implements BpfAttr {
    static final AttrField PROG_FD = f("prog_fd", 0, 4);
    static final AttrField TARGET_FD = f("target_fd", 4, 4);
    static final AttrField ATTACH_TYPE = f("attach_type", 8, 4);
    static final AttrField FLAGS = f("flags", 12, 4);
    static final AttrField TARGET_BTF_ID = f("tracing.target_btf_id", 16, 4);
    static final AttrField COOKIE = f("tracing.cookie", 24, 8);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", "link_create",
            List.of(PROG_FD, TARGET_FD, ATTACH_TYPE, FLAGS, TARGET_BTF_ID, COOKIE));

    public BpfCommand command() {
        return BpfCommand.BPF_LINK_CREATE;
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    public void encode(AttrBuffer out) {
        out.u32(PROG_FD, progFd).u32(TARGET_FD, targetFd).u32(ATTACH_TYPE, attachType)
                .u32(TARGET_BTF_ID, targetBtfId).u64(COOKIE, cookie);
    }
}
