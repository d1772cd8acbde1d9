package dev.gewyvern.syscall.attr;

import java.util.List;

/**
 * Where a command's fields sit in {@code union bpf_attr} (or another kernel struct). {@code member} is
 * the union member's name, or null for an anonymous one; {@code size} is what we pass to the kernel:
 * the end of the last field we know.
 */
public record AttrLayout(String struct, String member, List<AttrField> fields) {
    public AttrLayout {
        fields = List.copyOf(fields);
    }

    public int size() {
        int end = 0;
        for (AttrField f : fields) {
            end = Math.max(end, f.end());
        }
        return (end + 7) & ~7;
    }

    public static AttrField f(String name, int offset, int size) {
        return new AttrField(name, offset, size);
    }
}
