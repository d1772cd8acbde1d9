package dev.gewyvern.elf.uapi;

import java.util.Optional;

/**
 * A link type ({@code enum bpf_link_type}): what kind of attachment a bpf_link holds.
 *
 * <p>Generated from the running kernel's BTF ({@code enum bpf_link_type}, kernel 6.18); UapiEnumsKernelTest holds
 * every number against the kernel the tests run on. A kernel newer than this list can have values it lacks:
 * those are named through the kernel's BTF (KernelTypes), never guessed.
 */
public enum LinkType implements KernelEnum {
    UNSPEC(0),
    RAW_TRACEPOINT(1),
    TRACING(2),
    CGROUP(3),
    ITER(4),
    NETNS(5),
    XDP(6),
    PERF_EVENT(7),
    KPROBE_MULTI(8),
    STRUCT_OPS(9),
    NETFILTER(10),
    TCX(11),
    UPROBE_MULTI(12),
    NETKIT(13),
    SOCKMAP(14);

    private final int value;

    LinkType(int value) {
        this.value = value;
    }

    @Override
    public int value() {
        return value;
    }

    @Override
    public String enumName() {
        return "bpf_link_type";
    }

    @Override
    public String prefix() {
        return "BPF_LINK_TYPE_";
    }

    /** The link type with this number, or empty for one this list does not know (a newer kernel's). */
    public static Optional<LinkType> of(long value) {
        return KernelEnum.of(LinkType.class, value);
    }

    /** The link type named {@code BPF_LINK_TYPE_...} or by its text, in any case; empty when unknown. */
    public static Optional<LinkType> named(String name) {
        return KernelEnum.named(LinkType.class, name);
    }
}
