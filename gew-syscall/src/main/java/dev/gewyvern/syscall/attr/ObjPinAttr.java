package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

/** BPF_OBJ_PIN ({@code bpfFd} pinned at {@code path}) and BPF_OBJ_GET ({@code bpfFd} 0). */
public record ObjPinAttr(BpfCommand command, String path, int bpfFd, int fileFlags) implements BpfAttr {
    static final AttrField PATHNAME = f("pathname", 0, 8);
    static final AttrField BPF_FD = f("bpf_fd", 8, 4);
    static final AttrField FILE_FLAGS = f("file_flags", 12, 4);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", null, List.of(PATHNAME, BPF_FD, FILE_FLAGS));

    public ObjPinAttr {
        if (command != BpfCommand.BPF_OBJ_PIN && command != BpfCommand.BPF_OBJ_GET) {
            throw new IllegalArgumentException(command + " is not OBJ_PIN or OBJ_GET");
        }
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    public void encode(AttrBuffer out) {
        out.ptr(PATHNAME, NativeArg.cString(path)).u32(BPF_FD, bpfFd).u32(FILE_FLAGS, fileFlags);
    }
}
