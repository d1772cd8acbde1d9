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
    // libbpf's section_defs, in its order (the first match wins); the test ProgramSectionTableTest
    // holds this table against libbpf's documented list, and ProgramSectionKernelTest the numbers
    // against the running kernel's BTF.
    SOCKET("socket", "BPF_PROG_TYPE_SOCKET_FILTER", 1, null, 0, Target.NONE, 0),
    SK_REUSEPORT_MIGRATE("sk_reuseport/migrate", "BPF_PROG_TYPE_SK_REUSEPORT", 21, "BPF_SK_REUSEPORT_SELECT_OR_MIGRATE", 40, Target.NONE, 0),
    SK_REUSEPORT("sk_reuseport", "BPF_PROG_TYPE_SK_REUSEPORT", 21, "BPF_SK_REUSEPORT_SELECT", 39, Target.NONE, 0),
    KPROBE("kprobe+", "BPF_PROG_TYPE_KPROBE", 2, null, 0, Target.KPROBE, 0),
    UPROBE("uprobe+", "BPF_PROG_TYPE_KPROBE", 2, null, 0, Target.UPROBE, 0),
    UPROBE_S("uprobe.s+", "BPF_PROG_TYPE_KPROBE", 2, null, 0, Target.UPROBE, Flags.SLEEPABLE),
    KRETPROBE("kretprobe+", "BPF_PROG_TYPE_KPROBE", 2, null, 0, Target.KPROBE, 0),
    URETPROBE("uretprobe+", "BPF_PROG_TYPE_KPROBE", 2, null, 0, Target.UPROBE, 0),
    URETPROBE_S("uretprobe.s+", "BPF_PROG_TYPE_KPROBE", 2, null, 0, Target.UPROBE, Flags.SLEEPABLE),
    KPROBE_MULTI("kprobe.multi+", "BPF_PROG_TYPE_KPROBE", 2, "BPF_TRACE_KPROBE_MULTI", 42, Target.PATTERN, 0),
    KRETPROBE_MULTI("kretprobe.multi+", "BPF_PROG_TYPE_KPROBE", 2, "BPF_TRACE_KPROBE_MULTI", 42, Target.PATTERN, 0),
    KPROBE_SESSION("kprobe.session+", "BPF_PROG_TYPE_KPROBE", 2, "BPF_TRACE_KPROBE_SESSION", 56, Target.PATTERN, 0),
    UPROBE_MULTI("uprobe.multi+", "BPF_PROG_TYPE_KPROBE", 2, "BPF_TRACE_UPROBE_MULTI", 48, Target.PATTERN, 0),
    URETPROBE_MULTI("uretprobe.multi+", "BPF_PROG_TYPE_KPROBE", 2, "BPF_TRACE_UPROBE_MULTI", 48, Target.PATTERN, 0),
    UPROBE_SESSION("uprobe.session+", "BPF_PROG_TYPE_KPROBE", 2, "BPF_TRACE_UPROBE_SESSION", 57, Target.PATTERN, 0),
    UPROBE_MULTI_S("uprobe.multi.s+", "BPF_PROG_TYPE_KPROBE", 2, "BPF_TRACE_UPROBE_MULTI", 48, Target.PATTERN, Flags.SLEEPABLE),
    URETPROBE_MULTI_S("uretprobe.multi.s+", "BPF_PROG_TYPE_KPROBE", 2, "BPF_TRACE_UPROBE_MULTI", 48, Target.PATTERN, Flags.SLEEPABLE),
    UPROBE_SESSION_S("uprobe.session.s+", "BPF_PROG_TYPE_KPROBE", 2, "BPF_TRACE_UPROBE_SESSION", 57, Target.PATTERN, Flags.SLEEPABLE),
    KSYSCALL("ksyscall+", "BPF_PROG_TYPE_KPROBE", 2, null, 0, Target.SYSCALL, 0),
    KRETSYSCALL("kretsyscall+", "BPF_PROG_TYPE_KPROBE", 2, null, 0, Target.SYSCALL, 0),
    USDT("usdt+", "BPF_PROG_TYPE_KPROBE", 2, null, 0, Target.USDT, 0),
    USDT_S("usdt.s+", "BPF_PROG_TYPE_KPROBE", 2, null, 0, Target.USDT, Flags.SLEEPABLE),
    TC_INGRESS("tc/ingress", "BPF_PROG_TYPE_SCHED_CLS", 3, "BPF_TCX_INGRESS", 46, Target.NONE, 0),
    TC_EGRESS("tc/egress", "BPF_PROG_TYPE_SCHED_CLS", 3, "BPF_TCX_EGRESS", 47, Target.NONE, 0),
    TCX_INGRESS("tcx/ingress", "BPF_PROG_TYPE_SCHED_CLS", 3, "BPF_TCX_INGRESS", 46, Target.NONE, 0),
    TCX_EGRESS("tcx/egress", "BPF_PROG_TYPE_SCHED_CLS", 3, "BPF_TCX_EGRESS", 47, Target.NONE, 0),
    TC("tc", "BPF_PROG_TYPE_SCHED_CLS", 3, null, 0, Target.NONE, 0),
    CLASSIFIER("classifier", "BPF_PROG_TYPE_SCHED_CLS", 3, null, 0, Target.NONE, 0),
    ACTION("action", "BPF_PROG_TYPE_SCHED_ACT", 4, null, 0, Target.NONE, 0),
    NETKIT_PRIMARY("netkit/primary", "BPF_PROG_TYPE_SCHED_CLS", 3, "BPF_NETKIT_PRIMARY", 54, Target.NONE, 0),
    NETKIT_PEER("netkit/peer", "BPF_PROG_TYPE_SCHED_CLS", 3, "BPF_NETKIT_PEER", 55, Target.NONE, 0),
    TRACEPOINT("tracepoint+", "BPF_PROG_TYPE_TRACEPOINT", 5, null, 0, Target.TRACEPOINT, 0),
    TP("tp+", "BPF_PROG_TYPE_TRACEPOINT", 5, null, 0, Target.TRACEPOINT, 0),
    TRACEPOINT_S("tracepoint.s+", "BPF_PROG_TYPE_TRACEPOINT", 5, null, 0, Target.TRACEPOINT, Flags.SLEEPABLE),
    TP_S("tp.s+", "BPF_PROG_TYPE_TRACEPOINT", 5, null, 0, Target.TRACEPOINT, Flags.SLEEPABLE),
    RAW_TRACEPOINT("raw_tracepoint+", "BPF_PROG_TYPE_RAW_TRACEPOINT", 17, null, 0, Target.NAME, 0),
    RAW_TP("raw_tp+", "BPF_PROG_TYPE_RAW_TRACEPOINT", 17, null, 0, Target.NAME, 0),
    RAW_TRACEPOINT_S("raw_tracepoint.s+", "BPF_PROG_TYPE_RAW_TRACEPOINT", 17, null, 0, Target.NAME, Flags.SLEEPABLE),
    RAW_TP_S("raw_tp.s+", "BPF_PROG_TYPE_RAW_TRACEPOINT", 17, null, 0, Target.NAME, Flags.SLEEPABLE),
    RAW_TRACEPOINT_W("raw_tracepoint.w+", "BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE", 24, null, 0, Target.NAME, 0),
    RAW_TP_W("raw_tp.w+", "BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE", 24, null, 0, Target.NAME, 0),
    TP_BTF("tp_btf+", "BPF_PROG_TYPE_TRACING", 26, "BPF_TRACE_RAW_TP", 23, Target.BTF, 0),
    TP_BTF_S("tp_btf.s+", "BPF_PROG_TYPE_TRACING", 26, "BPF_TRACE_RAW_TP", 23, Target.BTF, Flags.SLEEPABLE),
    FENTRY("fentry+", "BPF_PROG_TYPE_TRACING", 26, "BPF_TRACE_FENTRY", 24, Target.BTF, 0),
    FMOD_RET("fmod_ret+", "BPF_PROG_TYPE_TRACING", 26, "BPF_MODIFY_RETURN", 26, Target.BTF, 0),
    FEXIT("fexit+", "BPF_PROG_TYPE_TRACING", 26, "BPF_TRACE_FEXIT", 25, Target.BTF, 0),
    FENTRY_S("fentry.s+", "BPF_PROG_TYPE_TRACING", 26, "BPF_TRACE_FENTRY", 24, Target.BTF, Flags.SLEEPABLE),
    FMOD_RET_S("fmod_ret.s+", "BPF_PROG_TYPE_TRACING", 26, "BPF_MODIFY_RETURN", 26, Target.BTF, Flags.SLEEPABLE),
    FEXIT_S("fexit.s+", "BPF_PROG_TYPE_TRACING", 26, "BPF_TRACE_FEXIT", 25, Target.BTF, Flags.SLEEPABLE),
    FSESSION("fsession+", "BPF_PROG_TYPE_TRACING", 26, "BPF_TRACE_FSESSION", 58, Target.BTF, 0),
    FSESSION_S("fsession.s+", "BPF_PROG_TYPE_TRACING", 26, "BPF_TRACE_FSESSION", 58, Target.BTF, Flags.SLEEPABLE),
    FSESSION_MULTI("fsession.multi+", "BPF_PROG_TYPE_TRACING", 26, "BPF_TRACE_FSESSION_MULTI", 61, Target.PATTERN, 0),
    FSESSION_MULTI_S("fsession.multi.s+", "BPF_PROG_TYPE_TRACING", 26, "BPF_TRACE_FSESSION_MULTI", 61, Target.PATTERN, Flags.SLEEPABLE),
    FENTRY_MULTI("fentry.multi+", "BPF_PROG_TYPE_TRACING", 26, "BPF_TRACE_FENTRY_MULTI", 59, Target.PATTERN, 0),
    FEXIT_MULTI("fexit.multi+", "BPF_PROG_TYPE_TRACING", 26, "BPF_TRACE_FEXIT_MULTI", 60, Target.PATTERN, 0),
    FENTRY_MULTI_S("fentry.multi.s+", "BPF_PROG_TYPE_TRACING", 26, "BPF_TRACE_FENTRY_MULTI", 59, Target.PATTERN, Flags.SLEEPABLE),
    FEXIT_MULTI_S("fexit.multi.s+", "BPF_PROG_TYPE_TRACING", 26, "BPF_TRACE_FEXIT_MULTI", 60, Target.PATTERN, Flags.SLEEPABLE),
    FREPLACE("freplace+", "BPF_PROG_TYPE_EXT", 28, null, 0, Target.BTF, 0),
    LSM("lsm+", "BPF_PROG_TYPE_LSM", 29, "BPF_LSM_MAC", 27, Target.BTF, 0),
    LSM_S("lsm.s+", "BPF_PROG_TYPE_LSM", 29, "BPF_LSM_MAC", 27, Target.BTF, Flags.SLEEPABLE),
    LSM_CGROUP("lsm_cgroup+", "BPF_PROG_TYPE_LSM", 29, "BPF_LSM_CGROUP", 43, Target.BTF, 0),
    ITER("iter+", "BPF_PROG_TYPE_TRACING", 26, "BPF_TRACE_ITER", 28, Target.BTF, 0),
    ITER_S("iter.s+", "BPF_PROG_TYPE_TRACING", 26, "BPF_TRACE_ITER", 28, Target.BTF, Flags.SLEEPABLE),
    SYSCALL("syscall", "BPF_PROG_TYPE_SYSCALL", 31, null, 0, Target.NONE, Flags.SLEEPABLE),
    XDP_FRAGS_DEVMAP("xdp.frags/devmap", "BPF_PROG_TYPE_XDP", 6, "BPF_XDP_DEVMAP", 33, Target.NONE, Flags.XDP_HAS_FRAGS),
    XDP_DEVMAP("xdp/devmap", "BPF_PROG_TYPE_XDP", 6, "BPF_XDP_DEVMAP", 33, Target.NONE, 0),
    XDP_FRAGS_CPUMAP("xdp.frags/cpumap", "BPF_PROG_TYPE_XDP", 6, "BPF_XDP_CPUMAP", 35, Target.NONE, Flags.XDP_HAS_FRAGS),
    XDP_CPUMAP("xdp/cpumap", "BPF_PROG_TYPE_XDP", 6, "BPF_XDP_CPUMAP", 35, Target.NONE, 0),
    XDP_FRAGS("xdp.frags", "BPF_PROG_TYPE_XDP", 6, "BPF_XDP", 37, Target.NONE, Flags.XDP_HAS_FRAGS),
    XDP("xdp", "BPF_PROG_TYPE_XDP", 6, "BPF_XDP", 37, Target.NONE, 0),
    PERF_EVENT("perf_event", "BPF_PROG_TYPE_PERF_EVENT", 7, null, 0, Target.NONE, 0),
    LWT_IN("lwt_in", "BPF_PROG_TYPE_LWT_IN", 10, null, 0, Target.NONE, 0),
    LWT_OUT("lwt_out", "BPF_PROG_TYPE_LWT_OUT", 11, null, 0, Target.NONE, 0),
    LWT_XMIT("lwt_xmit", "BPF_PROG_TYPE_LWT_XMIT", 12, null, 0, Target.NONE, 0),
    LWT_SEG6LOCAL("lwt_seg6local", "BPF_PROG_TYPE_LWT_SEG6LOCAL", 19, null, 0, Target.NONE, 0),
    SOCKOPS("sockops", "BPF_PROG_TYPE_SOCK_OPS", 13, "BPF_CGROUP_SOCK_OPS", 3, Target.NONE, 0),
    SK_SKB_STREAM_PARSER("sk_skb/stream_parser", "BPF_PROG_TYPE_SK_SKB", 14, "BPF_SK_SKB_STREAM_PARSER", 4, Target.NONE, 0),
    SK_SKB_STREAM_VERDICT("sk_skb/stream_verdict", "BPF_PROG_TYPE_SK_SKB", 14, "BPF_SK_SKB_STREAM_VERDICT", 5, Target.NONE, 0),
    SK_SKB_VERDICT("sk_skb/verdict", "BPF_PROG_TYPE_SK_SKB", 14, "BPF_SK_SKB_VERDICT", 38, Target.NONE, 0),
    SK_SKB("sk_skb", "BPF_PROG_TYPE_SK_SKB", 14, null, 0, Target.NONE, 0),
    SK_MSG("sk_msg", "BPF_PROG_TYPE_SK_MSG", 16, "BPF_SK_MSG_VERDICT", 7, Target.NONE, 0),
    LIRC_MODE2("lirc_mode2", "BPF_PROG_TYPE_LIRC_MODE2", 20, "BPF_LIRC_MODE2", 16, Target.NONE, 0),
    FLOW_DISSECTOR("flow_dissector", "BPF_PROG_TYPE_FLOW_DISSECTOR", 22, "BPF_FLOW_DISSECTOR", 17, Target.NONE, 0),
    CGROUP_SKB_INGRESS("cgroup_skb/ingress", "BPF_PROG_TYPE_CGROUP_SKB", 8, "BPF_CGROUP_INET_INGRESS", 0, Target.NONE, 0),
    CGROUP_SKB_EGRESS("cgroup_skb/egress", "BPF_PROG_TYPE_CGROUP_SKB", 8, "BPF_CGROUP_INET_EGRESS", 1, Target.NONE, 0),
    CGROUP_SKB("cgroup/skb", "BPF_PROG_TYPE_CGROUP_SKB", 8, null, 0, Target.NONE, 0),
    CGROUP_SOCK_CREATE("cgroup/sock_create", "BPF_PROG_TYPE_CGROUP_SOCK", 9, "BPF_CGROUP_INET_SOCK_CREATE", 2, Target.NONE, 0),
    CGROUP_SOCK_RELEASE("cgroup/sock_release", "BPF_PROG_TYPE_CGROUP_SOCK", 9, "BPF_CGROUP_INET_SOCK_RELEASE", 34, Target.NONE, 0),
    CGROUP_SOCK("cgroup/sock", "BPF_PROG_TYPE_CGROUP_SOCK", 9, "BPF_CGROUP_INET_SOCK_CREATE", 2, Target.NONE, 0),
    CGROUP_POST_BIND4("cgroup/post_bind4", "BPF_PROG_TYPE_CGROUP_SOCK", 9, "BPF_CGROUP_INET4_POST_BIND", 12, Target.NONE, 0),
    CGROUP_POST_BIND6("cgroup/post_bind6", "BPF_PROG_TYPE_CGROUP_SOCK", 9, "BPF_CGROUP_INET6_POST_BIND", 13, Target.NONE, 0),
    CGROUP_BIND4("cgroup/bind4", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_INET4_BIND", 8, Target.NONE, 0),
    CGROUP_BIND6("cgroup/bind6", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_INET6_BIND", 9, Target.NONE, 0),
    CGROUP_CONNECT4("cgroup/connect4", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_INET4_CONNECT", 10, Target.NONE, 0),
    CGROUP_CONNECT6("cgroup/connect6", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_INET6_CONNECT", 11, Target.NONE, 0),
    CGROUP_CONNECT_UNIX("cgroup/connect_unix", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_UNIX_CONNECT", 49, Target.NONE, 0),
    CGROUP_SENDMSG4("cgroup/sendmsg4", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_UDP4_SENDMSG", 14, Target.NONE, 0),
    CGROUP_SENDMSG6("cgroup/sendmsg6", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_UDP6_SENDMSG", 15, Target.NONE, 0),
    CGROUP_SENDMSG_UNIX("cgroup/sendmsg_unix", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_UNIX_SENDMSG", 50, Target.NONE, 0),
    CGROUP_RECVMSG4("cgroup/recvmsg4", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_UDP4_RECVMSG", 19, Target.NONE, 0),
    CGROUP_RECVMSG6("cgroup/recvmsg6", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_UDP6_RECVMSG", 20, Target.NONE, 0),
    CGROUP_RECVMSG_UNIX("cgroup/recvmsg_unix", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_UNIX_RECVMSG", 51, Target.NONE, 0),
    CGROUP_GETPEERNAME4("cgroup/getpeername4", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_INET4_GETPEERNAME", 29, Target.NONE, 0),
    CGROUP_GETPEERNAME6("cgroup/getpeername6", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_INET6_GETPEERNAME", 30, Target.NONE, 0),
    CGROUP_GETPEERNAME_UNIX("cgroup/getpeername_unix", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_UNIX_GETPEERNAME", 52, Target.NONE, 0),
    CGROUP_GETSOCKNAME4("cgroup/getsockname4", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_INET4_GETSOCKNAME", 31, Target.NONE, 0),
    CGROUP_GETSOCKNAME6("cgroup/getsockname6", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_INET6_GETSOCKNAME", 32, Target.NONE, 0),
    CGROUP_GETSOCKNAME_UNIX("cgroup/getsockname_unix", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18, "BPF_CGROUP_UNIX_GETSOCKNAME", 53, Target.NONE, 0),
    CGROUP_SYSCTL("cgroup/sysctl", "BPF_PROG_TYPE_CGROUP_SYSCTL", 23, "BPF_CGROUP_SYSCTL", 18, Target.NONE, 0),
    CGROUP_GETSOCKOPT("cgroup/getsockopt", "BPF_PROG_TYPE_CGROUP_SOCKOPT", 25, "BPF_CGROUP_GETSOCKOPT", 21, Target.NONE, 0),
    CGROUP_SETSOCKOPT("cgroup/setsockopt", "BPF_PROG_TYPE_CGROUP_SOCKOPT", 25, "BPF_CGROUP_SETSOCKOPT", 22, Target.NONE, 0),
    CGROUP_DEV("cgroup/dev", "BPF_PROG_TYPE_CGROUP_DEVICE", 15, "BPF_CGROUP_DEVICE", 6, Target.NONE, 0),
    STRUCT_OPS("struct_ops+", "BPF_PROG_TYPE_STRUCT_OPS", 27, null, 0, Target.STRUCT_OPS, 0),
    STRUCT_OPS_S("struct_ops.s+", "BPF_PROG_TYPE_STRUCT_OPS", 27, null, 0, Target.STRUCT_OPS, Flags.SLEEPABLE),
    SK_LOOKUP("sk_lookup", "BPF_PROG_TYPE_SK_LOOKUP", 30, "BPF_SK_LOOKUP", 36, Target.NONE, 0),
    NETFILTER("netfilter", "BPF_PROG_TYPE_NETFILTER", 32, "BPF_NETFILTER", 45, Target.NONE, 0);

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
        BTF,
        /** {@code <path>:<function>[+<offset>]} of a user-space binary. */
        UPROBE,
        /** {@code <path>:<provider>:<name>} of a USDT probe. */
        USDT,
        /** A glob ({@code *}, {@code ?}) over kernel functions or, for uprobes, {@code <path>:<glob>}. */
        PATTERN,
        /** A system call name, resolved to the kernel's wrapper function. */
        SYSCALL,
        /** Nothing: struct_ops programs are attached through the {@code .struct_ops} map that names them. */
        STRUCT_OPS
    }

    /** BPF_PROG_LOAD's {@code prog_flags} a section implies (uapi {@code BPF_F_SLEEPABLE}, {@code BPF_F_XDP_HAS_FRAGS}). */
    public static final class Flags {
        public static final int SLEEPABLE = 1 << 4;
        public static final int XDP_HAS_FRAGS = 1 << 5;

        private Flags() {
        }
    }

    private final String pattern;
    private final String progTypeName;
    private final int progType;
    private final String attachTypeName;
    private final int attachType;
    private final Target target;
    private final int progFlags;

    ProgramSection(String pattern, String progTypeName, int progType, String attachTypeName, int attachType,
                   Target target, int progFlags) {
        this.progFlags = progFlags;
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

    /** The {@code prog_flags} bits ({@link Flags}) BPF_PROG_LOAD takes for this section; 0 for most. */
    public int progFlags() {
        return progFlags;
    }

    /** Whether programs of this section are sleepable (libbpf's {@code .s} forms, {@code syscall}). */
    public boolean sleepable() {
        return (progFlags & Flags.SLEEPABLE) != 0;
    }

    /**
     * The first row whose pattern matches {@code sectionName}. A leading '?' (libbpf's "do not load
     * unless asked": {@code SEC("?tp/...")}) is not part of the pattern; gewyvern loads only the
     * programs a Pipeline names anyway.
     */
    public static Optional<Match> match(String sectionName) {
        if (sectionName.startsWith("?")) {
            sectionName = sectionName.substring(1);
        }
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
                case UPROBE:
                case USDT:
                case PATTERN:
                case SYSCALL:
                    if (name().isEmpty()) {
                        return Optional.of("section '" + section + "' does not name its attach target: want "
                                + kind.pattern.replace("+", "") + "/<target>, or a Pipeline target (--attach) "
                                + "that names it");
                    }
                    return Optional.empty();
                default:
                    return Optional.empty();
            }
        }
    }
}
