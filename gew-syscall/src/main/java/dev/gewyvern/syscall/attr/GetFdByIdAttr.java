package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

/**
 * BPF_BTF_GET_FD_BY_ID (and the other *_GET_FD_BY_ID commands): opens an object whose id we learnt from
 * an object of our own, or (BTF only) a kernel BTF object {@link dev.gewyvern.syscall.ModuleBtfIds} looks for. Never used to
 * walk program, map or link ids.
 */
public record GetFdByIdAttr(BpfCommand command, int id, int openFlags) implements BpfAttr {
    static final AttrField ID = f("btf_id", 0, 4);
    static final AttrField OPEN_FLAGS = f("open_flags", 8, 4);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", null, List.of(ID, OPEN_FLAGS));

    public GetFdByIdAttr {
        if (command != BpfCommand.BPF_BTF_GET_FD_BY_ID && command != BpfCommand.BPF_LINK_GET_FD_BY_ID) {
            throw new IllegalArgumentException(command + " is not a GET_FD_BY_ID command we issue");
        }
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    public void encode(AttrBuffer out) {
        out.u32(ID, id).u32(OPEN_FLAGS, openFlags);
    }
}
