package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

/** BPF_OBJ_GET_INFO_BY_FD: the kernel fills {@code info} (a bpf_*_info struct) for {@code bpfFd}. */
public record ObjInfoAttr(int bpfFd, NativeArg info) implements BpfAttr {
    static final AttrField BPF_FD = f("bpf_fd", 0, 4);
    static final AttrField INFO_LEN = f("info_len", 4, 4);
    static final AttrField INFO = f("info", 8, 8);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", "info", List.of(BPF_FD, INFO_LEN, INFO));

    public BpfCommand command() {
        return BpfCommand.BPF_OBJ_GET_INFO_BY_FD;
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    public void encode(AttrBuffer out) {
        out.u32(BPF_FD, bpfFd).u32(INFO_LEN, info.size()).ptr(INFO, info);
    }

}
