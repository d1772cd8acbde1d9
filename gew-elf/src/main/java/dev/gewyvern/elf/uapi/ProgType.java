package dev.gewyvern.elf.uapi;

import java.util.Optional;

/**
 * A program type ({@code enum bpf_prog_type}): what a program is, which helpers and context it gets.
 *
 * <p>Generated from the running kernel's BTF ({@code enum bpf_prog_type}, kernel 6.18); UapiEnumsKernelTest holds
 * every number against the kernel the tests run on. A kernel newer than this list can have values it lacks:
 * those are named through the kernel's BTF (KernelTypes), never guessed.
 */
public enum ProgType implements KernelEnum {
    UNSPEC(0),
    SOCKET_FILTER(1),
    KPROBE(2),
    SCHED_CLS(3),
    SCHED_ACT(4),
    TRACEPOINT(5),
    XDP(6),
    PERF_EVENT(7),
    CGROUP_SKB(8),
    CGROUP_SOCK(9),
    LWT_IN(10),
    LWT_OUT(11),
    LWT_XMIT(12),
    SOCK_OPS(13),
    SK_SKB(14),
    CGROUP_DEVICE(15),
    SK_MSG(16),
    RAW_TRACEPOINT(17),
    CGROUP_SOCK_ADDR(18),
    LWT_SEG6LOCAL(19),
    LIRC_MODE2(20),
    SK_REUSEPORT(21),
    FLOW_DISSECTOR(22),
    CGROUP_SYSCTL(23),
    RAW_TRACEPOINT_WRITABLE(24),
    CGROUP_SOCKOPT(25),
    TRACING(26),
    STRUCT_OPS(27),
    EXT(28),
    LSM(29),
    SK_LOOKUP(30),
    SYSCALL(31),
    NETFILTER(32);

    private final int value;

    ProgType(int value) {
        this.value = value;
    }

    @Override
    public int value() {
        return value;
    }

    @Override
    public String enumName() {
        return "bpf_prog_type";
    }

    @Override
    public String prefix() {
        return "BPF_PROG_TYPE_";
    }

    /** The prog type with this number, or empty for one this list does not know (a newer kernel's). */
    public static Optional<ProgType> of(long value) {
        return KernelEnum.of(ProgType.class, value);
    }

    /** The prog type named {@code BPF_PROG_TYPE_...} or by its text, in any case; empty when unknown. */
    public static Optional<ProgType> named(String name) {
        return KernelEnum.named(ProgType.class, name);
    }
}
