package dev.gewyvern.syscall.attr;

/**
 * One field of a kernel struct as we lay it out: its C name (a dotted path through named members,
 * e.g. {@code perf_event.bpf_cookie}), byte offset and size. Layout tests hold these against the
 * running kernel's BTF.
 */
public record AttrField(String name, int offset, int size) {
    public int end() {
        return offset + size;
    }
}
