package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

/**
 * BPF_MAP_LOOKUP_BATCH: up to {@code count} entries from where {@code inBatch} left off (null: from the
 * start) into {@code keys} and {@code values}; the kernel writes how many it filled into count and where to
 * go on into {@code outBatch}.
 */
public record MapBatchAttr(BpfCommand command, int mapFd, NativeArg inBatch, NativeArg outBatch, NativeArg keys,
                           NativeArg values, int count, long elemFlags) implements BpfAttr {
    static final AttrField IN_BATCH = f("in_batch", 0, 8);
    static final AttrField OUT_BATCH = f("out_batch", 8, 8);
    static final AttrField KEYS = f("keys", 16, 8);
    static final AttrField VALUES = f("values", 24, 8);
    static final AttrField COUNT = f("count", 32, 4);
    static final AttrField MAP_FD = f("map_fd", 36, 4);
    static final AttrField ELEM_FLAGS = f("elem_flags", 40, 8);
    static final AttrField FLAGS = f("flags", 48, 8);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", "batch", List.of(IN_BATCH, OUT_BATCH, KEYS, VALUES,
            COUNT, MAP_FD, ELEM_FLAGS, FLAGS));

    public MapBatchAttr {
        if (command != BpfCommand.BPF_MAP_LOOKUP_BATCH) {
            throw new IllegalArgumentException(command + " is not a map batch command we issue");
        }
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    public void encode(AttrBuffer out) {
        out.ptr(IN_BATCH, inBatch).ptr(OUT_BATCH, outBatch).ptr(KEYS, keys).ptr(VALUES, values).u32(COUNT, count)
                .u32(MAP_FD, mapFd).u64(ELEM_FLAGS, elemFlags);
    }

    public static int countOffset() {
        return COUNT.offset();
    }
}
