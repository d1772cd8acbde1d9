package dev.gewyvern.elf;

import java.util.Optional;

/**
 * The program-section table: which ELF section names hold which kind of program, as libbpf reads
 * {@code SEC("...")}. Each row has libbpf's section pattern, the program type and expected attach
 * type (names and numbers of the kernel's uapi {@code enum bpf_prog_type} and
 * {@code enum bpf_attach_type}) and what the rest of the section name says about the attach target.
 *
 * <p>Patterns follow libbpf: {@code "xdp"} matches only the exact name; {@code "tracepoint+"}
 * matches {@code "tracepoint"} itself or {@code "tracepoint/<target>"}. The first matching row wins.
 */
public enum ProgramSection {
    SOCKET("socket", "BPF_PROG_TYPE_SOCKET_FILTER", 1, null, 0, Target.NONE),
    KPROBE("kprobe+", "BPF_PROG_TYPE_KPROBE", 2, null, 0, Target.KPROBE),
    KRETPROBE("kretprobe+", "BPF_PROG_TYPE_KPROBE", 2, null, 0, Target.KPROBE),
    UPROBE("uprobe+", "BPF_PROG_TYPE_KPROBE", 2, null, 0, Target.NONE),
    URETPROBE("uretprobe+", "BPF_PROG_TYPE_KPROBE", 2, null, 0, Target.NONE),
    TC("tc", "BPF_PROG_TYPE_SCHED_CLS", 3, null, 0, Target.NONE),
    TRACEPOINT("tracepoint+", "BPF_PROG_TYPE_TRACEPOINT", 5, null, 0, Target.TRACEPOINT),
    TP("tp+", "BPF_PROG_TYPE_TRACEPOINT", 5, null, 0, Target.TRACEPOINT),
    XDP("xdp", "BPF_PROG_TYPE_XDP", 6, "BPF_XDP", 37, Target.NONE),
    PERF_EVENT("perf_event", "BPF_PROG_TYPE_PERF_EVENT", 7, null, 0, Target.NONE),
    CGROUP_SKB_INGRESS("cgroup_skb/ingress", "BPF_PROG_TYPE_CGROUP_SKB", 8, "BPF_CGROUP_INET_INGRESS", 0, Target.NONE),
    CGROUP_SKB_EGRESS("cgroup_skb/egress", "BPF_PROG_TYPE_CGROUP_SKB", 8, "BPF_CGROUP_INET_EGRESS", 1, Target.NONE),
    CGROUP_SOCK_CREATE("cgroup/sock_create", "BPF_PROG_TYPE_CGROUP_SOCK", 9, "BPF_CGROUP_INET_SOCK_CREATE", 2,
            Target.NONE),
    CGROUP_CONNECT4("cgroup/connect4", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_INET4_CONNECT", 10,
            Target.NONE),
    CGROUP_CONNECT6("cgroup/connect6", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_INET6_CONNECT", 11,
            Target.NONE),
    CGROUP_BIND4("cgroup/bind4", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_INET4_BIND", 8, Target.NONE),
    CGROUP_SENDMSG4("cgroup/sendmsg4", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_UDP4_SENDMSG", 14,
            Target.NONE),
    CGROUP_SOCK_RELEASE("cgroup/sock_release", "BPF_PROG_TYPE_CGROUP_SOCK", 9, "BPF_CGROUP_INET_SOCK_RELEASE", 34,
            Target.NONE),
    CGROUP_DEV("cgroup/dev", "BPF_PROG_TYPE_CGROUP_DEVICE", 15, "BPF_CGROUP_DEVICE", 6, Target.NONE),
    CGROUP_SYSCTL("cgroup/sysctl", "BPF_PROG_TYPE_CGROUP_SYSCTL", 23, "BPF_CGROUP_SYSCTL", 18, Target.NONE),
    CGROUP_GETSOCKOPT("cgroup/getsockopt", "BPF_PROG_TYPE_CGROUP_SOCKOPT", 25, "BPF_CGROUP_GETSOCKOPT", 21,
            Target.NONE),
    CGROUP_SETSOCKOPT("cgroup/setsockopt", "BPF_PROG_TYPE_CGROUP_SOCKOPT", 25, "BPF_CGROUP_SETSOCKOPT", 22,
            Target.NONE),
    TCX_INGRESS("tcx/ingress", "BPF_PROG_TYPE_SCHED_CLS", 3, "BPF_TCX_INGRESS", 46, Target.NONE),
    TCX_EGRESS("tcx/egress", "BPF_PROG_TYPE_SCHED_CLS", 3, "BPF_TCX_EGRESS", 47, Target.NONE),
    FLOW_DISSECTOR("flow_dissector", "BPF_PROG_TYPE_FLOW_DISSECTOR", 22, "BPF_FLOW_DISSECTOR", 17, Target.NONE),
    SK_LOOKUP("sk_lookup", "BPF_PROG_TYPE_SK_LOOKUP", 30, "BPF_SK_LOOKUP", 36, Target.NONE),
    NETFILTER("netfilter", "BPF_PROG_TYPE_NETFILTER", 32, "BPF_NETFILTER", 45, Target.NONE),
    RAW_TRACEPOINT("raw_tracepoint+", "BPF_PROG_TYPE_RAW_TRACEPOINT", 17, null, 0, Target.NAME),
    RAW_TP("raw_tp+", "BPF_PROG_TYPE_RAW_TRACEPOINT", 17, null, 0, Target.NAME),
    TP_BTF("tp_btf+", "BPF_PROG_TYPE_TRACING", 26, "BPF_TRACE_RAW_TP", 23, Target.BTF),
    FENTRY("fentry+", "BPF_PROG_TYPE_TRACING", 26, "BPF_TRACE_FENTRY", 24, Target.BTF),
    FEXIT("fexit+", "BPF_PROG_TYPE_TRACING", 26, "BPF_TRACE_FEXIT", 25, Target.BTF),
    LSM("lsm+", "BPF_PROG_TYPE_LSM", 29, "BPF_LSM_MAC", 27, Target.BTF),
    ITER("iter+", "BPF_PROG_TYPE_TRACING", 26, "BPF_TRACE_ITER", 28, Target.BTF),
    SYSCALL("syscall", "BPF_PROG_TYPE_SYSCALL", 31, null, 0, Target.NONE);

    /** What the part of the section name after the pattern names. */
    public enum Target {
        /** Nothing: the section name is the whole pattern. */
        NONE,
        /** {@code <category>/<name>} of a tracefs tracepoint. */
        TRACEPOINT,
        /** A kernel function, optionally {@code +offset}. */
        KPROBE,
        /** A raw tracepoint name. */
        NAME,
        /** A name the kernel's BTF resolves (a function, tracepoint, LSM hook or iterator). */
        BTF
    }

    private final String pattern;
    private final String progTypeName;
    private final int progType;
    private final String attachTypeName;
    private final int attachType;
    private final Target target;

    ProgramSection(String pattern, String progTypeName, int progType, String attachTypeName, int attachType,
                   Target target) {
        this.pattern = pattern;
        this.progTypeName = progTypeName;
        this.progType = progType;
        this.attachTypeName = attachTypeName;
        this.attachType = attachType;
        this.target = target;
    }

    /** libbpf's pattern: {@code "tracepoint+"}, {@code "xdp"}. */
    public String pattern() {
        return pattern;
    }

    /** The {@code enum bpf_prog_type} constant's name, e.g. {@code BPF_PROG_TYPE_TRACEPOINT}. */
    public String progTypeName() {
        return progTypeName;
    }

    public int progType() {
        return progType;
    }

    /** The expected attach type's {@code enum bpf_attach_type} name, or empty when the load takes none (0). */
    public Optional<String> attachTypeName() {
        return Optional.ofNullable(attachTypeName);
    }

    /** The expected attach type number for BPF_PROG_LOAD (0 when there is none). */
    public int attachType() {
        return attachType;
    }

    public Target target() {
        return target;
    }

    /** The first row whose pattern matches {@code sectionName}. */
    public static Optional<Match> match(String sectionName) {
        for (ProgramSection ps : values()) {
            Optional<Match> m = ps.matches(sectionName);
            if (m.isPresent()) {
                return m;
            }
        }
        return Optional.empty();
    }

    private Optional<Match> matches(String name) {
        if (!pattern.endsWith("+")) {
            return name.equals(pattern) ? Optional.of(new Match(this, name, "")) : Optional.empty();
        }
        String prefix = pattern.substring(0, pattern.length() - 1);
        if (name.equals(prefix)) {
            return Optional.of(new Match(this, name, ""));
        }
        if (name.startsWith(prefix + "/")) {
            return Optional.of(new Match(this, name, name.substring(prefix.length() + 1)));
        }
        return Optional.empty();
    }

    /**
     * A section name matched to its row. {@code target} is what follows {@code "<prefix>/"}
     * ("" when nothing does): {@code tracepoint/syscalls/sys_enter_execve} has target
     * {@code syscalls/sys_enter_execve}, category {@code syscalls} and name {@code sys_enter_execve}.
     */
    public record Match(ProgramSection kind, String section, String target) {
        /** The tracepoint category (before the first '/' of the target), or "". */
        public String category() {
            int slash = target.indexOf('/');
            return kind.target == Target.TRACEPOINT && slash >= 0 ? target.substring(0, slash) : "";
        }

        /**
         * The attach name: a tracepoint's event name (after the category), a kprobe's function (before
         * any "+offset"), or the whole target for the other kinds.
         */
        public String name() {
            if (kind.target == Target.TRACEPOINT) {
                int slash = target.indexOf('/');
                return slash >= 0 ? target.substring(slash + 1) : "";
            }
            if (kind.target == Target.KPROBE) {
                int plus = target.indexOf('+');
                return plus >= 0 ? target.substring(0, plus) : target;
            }
            return target;
        }

        /** Why this section cannot be attached as it stands, or empty when it can. */
        public Optional<String> problem() {
            switch (kind.target) {
                case TRACEPOINT:
                    if (category().isEmpty() || name().isEmpty() || name().contains("/")) {
                        return Optional.of("section '" + section + "' does not name a tracepoint: want "
                                + kind.pattern.replace("+", "") + "/<category>/<name>");
                    }
                    return Optional.empty();
                case KPROBE:
                case NAME:
                case BTF:
                    if (name().isEmpty()) {
                        return Optional.of("section '" + section + "' does not name its attach target: want "
                                + kind.pattern.replace("+", "") + "/<target>");
                    }
                    return Optional.empty();
                default:
                    return Optional.empty();
            }
        }
    }
}
