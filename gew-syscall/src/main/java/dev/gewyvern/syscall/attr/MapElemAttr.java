package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

/**
 * BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM, BPF_MAP_DELETE_ELEM and BPF_MAP_GET_NEXT_KEY share this shape;
 * {@code value} is the value (or, for GET_NEXT_KEY, the next key) buffer.
 */
public record MapElemAttr(BpfCommand command, int mapFd, NativeArg key, NativeArg value, long flags)
        implements BpfAttr {
    static final AttrField MAP_FD = f("map_fd", 0, 4);
    static final AttrField KEY = f("key", 8, 8);
    static final AttrField VALUE = f("value", 16, 8);
    static final AttrField FLAGS = f("flags", 24, 8);
    static final AttrField NEXT_KEY = f("next_key", 16, 8);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", null, List.of(MAP_FD, KEY, VALUE, NEXT_KEY, FLAGS));

    public MapElemAttr {
        switch (command) {
            case BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM, BPF_MAP_DELETE_ELEM, BPF_MAP_GET_NEXT_KEY -> { }
            default -> throw new IllegalArgumentException(command + " is not a map element command");
        }
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    public void encode(AttrBuffer out) {
        out.u32(MAP_FD, mapFd).ptr(KEY, key).ptr(VALUE, value).u64(FLAGS, flags);
    }

}
