package dev.gewyvern.elf;

import java.util.Optional;

import dev.gewyvern.elf.uapi.AttachType;
import dev.gewyvern.elf.uapi.ProgType;

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
    SOCKET("socket", ProgType.SOCKET_FILTER, null, Target.NONE, 0),
    SK_REUSEPORT_MIGRATE("sk_reuseport/migrate", ProgType.SK_REUSEPORT, AttachType.SK_REUSEPORT_SELECT_OR_MIGRATE, Target.NONE, 0),
    SK_REUSEPORT("sk_reuseport", ProgType.SK_REUSEPORT, AttachType.SK_REUSEPORT_SELECT, Target.NONE, 0),
    KPROBE("kprobe+", ProgType.KPROBE, null, Target.KPROBE, 0),
    UPROBE("uprobe+", ProgType.KPROBE, null, Target.UPROBE, 0),
    UPROBE_S("uprobe.s+", ProgType.KPROBE, null, Target.UPROBE, Flags.SLEEPABLE),
    KRETPROBE("kretprobe+", ProgType.KPROBE, null, Target.KPROBE, 0),
    URETPROBE("uretprobe+", ProgType.KPROBE, null, Target.UPROBE, 0),
    URETPROBE_S("uretprobe.s+", ProgType.KPROBE, null, Target.UPROBE, Flags.SLEEPABLE),
    KPROBE_MULTI("kprobe.multi+", ProgType.KPROBE, AttachType.TRACE_KPROBE_MULTI, Target.PATTERN, 0),
    KRETPROBE_MULTI("kretprobe.multi+", ProgType.KPROBE, AttachType.TRACE_KPROBE_MULTI, Target.PATTERN, 0),
    KPROBE_SESSION("kprobe.session+", ProgType.KPROBE, AttachType.TRACE_KPROBE_SESSION, Target.PATTERN, 0),
    UPROBE_MULTI("uprobe.multi+", ProgType.KPROBE, AttachType.TRACE_UPROBE_MULTI, Target.PATTERN, 0),
    URETPROBE_MULTI("uretprobe.multi+", ProgType.KPROBE, AttachType.TRACE_UPROBE_MULTI, Target.PATTERN, 0),
    UPROBE_SESSION("uprobe.session+", ProgType.KPROBE, AttachType.TRACE_UPROBE_SESSION, Target.PATTERN, 0),
    UPROBE_MULTI_S("uprobe.multi.s+", ProgType.KPROBE, AttachType.TRACE_UPROBE_MULTI, Target.PATTERN, Flags.SLEEPABLE),
    URETPROBE_MULTI_S("uretprobe.multi.s+", ProgType.KPROBE, AttachType.TRACE_UPROBE_MULTI, Target.PATTERN, Flags.SLEEPABLE),
    UPROBE_SESSION_S("uprobe.session.s+", ProgType.KPROBE, AttachType.TRACE_UPROBE_SESSION, Target.PATTERN, Flags.SLEEPABLE),
    KSYSCALL("ksyscall+", ProgType.KPROBE, null, Target.SYSCALL, 0),
    KRETSYSCALL("kretsyscall+", ProgType.KPROBE, null, Target.SYSCALL, 0),
    USDT("usdt+", ProgType.KPROBE, null, Target.USDT, 0),
    USDT_S("usdt.s+", ProgType.KPROBE, null, Target.USDT, Flags.SLEEPABLE),
    TC_INGRESS("tc/ingress", ProgType.SCHED_CLS, AttachType.TCX_INGRESS, Target.NONE, 0),
    TC_EGRESS("tc/egress", ProgType.SCHED_CLS, AttachType.TCX_EGRESS, Target.NONE, 0),
    TCX_INGRESS("tcx/ingress", ProgType.SCHED_CLS, AttachType.TCX_INGRESS, Target.NONE, 0),
    TCX_EGRESS("tcx/egress", ProgType.SCHED_CLS, AttachType.TCX_EGRESS, Target.NONE, 0),
    TC("tc", ProgType.SCHED_CLS, null, Target.NONE, 0),
    CLASSIFIER("classifier", ProgType.SCHED_CLS, null, Target.NONE, 0),
    ACTION("action", ProgType.SCHED_ACT, null, Target.NONE, 0),
    NETKIT_PRIMARY("netkit/primary", ProgType.SCHED_CLS, AttachType.NETKIT_PRIMARY, Target.NONE, 0),
    NETKIT_PEER("netkit/peer", ProgType.SCHED_CLS, AttachType.NETKIT_PEER, Target.NONE, 0),
    TRACEPOINT("tracepoint+", ProgType.TRACEPOINT, null, Target.TRACEPOINT, 0),
    TP("tp+", ProgType.TRACEPOINT, null, Target.TRACEPOINT, 0),
    TRACEPOINT_S("tracepoint.s+", ProgType.TRACEPOINT, null, Target.TRACEPOINT, Flags.SLEEPABLE),
    TP_S("tp.s+", ProgType.TRACEPOINT, null, Target.TRACEPOINT, Flags.SLEEPABLE),
    RAW_TRACEPOINT("raw_tracepoint+", ProgType.RAW_TRACEPOINT, null, Target.NAME, 0),
    RAW_TP("raw_tp+", ProgType.RAW_TRACEPOINT, null, Target.NAME, 0),
    RAW_TRACEPOINT_S("raw_tracepoint.s+", ProgType.RAW_TRACEPOINT, null, Target.NAME, Flags.SLEEPABLE),
    RAW_TP_S("raw_tp.s+", ProgType.RAW_TRACEPOINT, null, Target.NAME, Flags.SLEEPABLE),
    RAW_TRACEPOINT_W("raw_tracepoint.w+", ProgType.RAW_TRACEPOINT_WRITABLE, null, Target.NAME, 0),
    RAW_TP_W("raw_tp.w+", ProgType.RAW_TRACEPOINT_WRITABLE, null, Target.NAME, 0),
    TP_BTF("tp_btf+", ProgType.TRACING, AttachType.TRACE_RAW_TP, Target.BTF, 0),
    TP_BTF_S("tp_btf.s+", ProgType.TRACING, AttachType.TRACE_RAW_TP, Target.BTF, Flags.SLEEPABLE),
    FENTRY("fentry+", ProgType.TRACING, AttachType.TRACE_FENTRY, Target.BTF, 0),
    FMOD_RET("fmod_ret+", ProgType.TRACING, AttachType.MODIFY_RETURN, Target.BTF, 0),
    FEXIT("fexit+", ProgType.TRACING, AttachType.TRACE_FEXIT, Target.BTF, 0),
    FENTRY_S("fentry.s+", ProgType.TRACING, AttachType.TRACE_FENTRY, Target.BTF, Flags.SLEEPABLE),
    FMOD_RET_S("fmod_ret.s+", ProgType.TRACING, AttachType.MODIFY_RETURN, Target.BTF, Flags.SLEEPABLE),
    FEXIT_S("fexit.s+", ProgType.TRACING, AttachType.TRACE_FEXIT, Target.BTF, Flags.SLEEPABLE),
    FSESSION("fsession+", ProgType.TRACING, AttachType.TRACE_FSESSION, Target.BTF, 0),
    FSESSION_S("fsession.s+", ProgType.TRACING, AttachType.TRACE_FSESSION, Target.BTF, Flags.SLEEPABLE),
    FSESSION_MULTI("fsession.multi+", ProgType.TRACING, AttachType.TRACE_FSESSION_MULTI, Target.PATTERN, 0),
    FSESSION_MULTI_S("fsession.multi.s+", ProgType.TRACING, AttachType.TRACE_FSESSION_MULTI, Target.PATTERN, Flags.SLEEPABLE),
    FENTRY_MULTI("fentry.multi+", ProgType.TRACING, AttachType.TRACE_FENTRY_MULTI, Target.PATTERN, 0),
    FEXIT_MULTI("fexit.multi+", ProgType.TRACING, AttachType.TRACE_FEXIT_MULTI, Target.PATTERN, 0),
    FENTRY_MULTI_S("fentry.multi.s+", ProgType.TRACING, AttachType.TRACE_FENTRY_MULTI, Target.PATTERN, Flags.SLEEPABLE),
    FEXIT_MULTI_S("fexit.multi.s+", ProgType.TRACING, AttachType.TRACE_FEXIT_MULTI, Target.PATTERN, Flags.SLEEPABLE),
    FREPLACE("freplace+", ProgType.EXT, null, Target.BTF, 0),
    LSM("lsm+", ProgType.LSM, AttachType.LSM_MAC, Target.BTF, 0),
    LSM_S("lsm.s+", ProgType.LSM, AttachType.LSM_MAC, Target.BTF, Flags.SLEEPABLE),
    LSM_CGROUP("lsm_cgroup+", ProgType.LSM, AttachType.LSM_CGROUP, Target.BTF, 0),
    ITER("iter+", ProgType.TRACING, AttachType.TRACE_ITER, Target.BTF, 0),
    ITER_S("iter.s+", ProgType.TRACING, AttachType.TRACE_ITER, Target.BTF, Flags.SLEEPABLE),
    SYSCALL("syscall", ProgType.SYSCALL, null, Target.NONE, Flags.SLEEPABLE),
    XDP_FRAGS_DEVMAP("xdp.frags/devmap", ProgType.XDP, AttachType.XDP_DEVMAP, Target.NONE, Flags.XDP_HAS_FRAGS),
    XDP_DEVMAP("xdp/devmap", ProgType.XDP, AttachType.XDP_DEVMAP, Target.NONE, 0),
    XDP_FRAGS_CPUMAP("xdp.frags/cpumap", ProgType.XDP, AttachType.XDP_CPUMAP, Target.NONE, Flags.XDP_HAS_FRAGS),
    XDP_CPUMAP("xdp/cpumap", ProgType.XDP, AttachType.XDP_CPUMAP, Target.NONE, 0),
    XDP_FRAGS("xdp.frags", ProgType.XDP, AttachType.XDP, Target.NONE, Flags.XDP_HAS_FRAGS),
    XDP("xdp", ProgType.XDP, AttachType.XDP, Target.NONE, 0),
    PERF_EVENT("perf_event", ProgType.PERF_EVENT, null, Target.NONE, 0),
    LWT_IN("lwt_in", ProgType.LWT_IN, null, Target.NONE, 0),
    LWT_OUT("lwt_out", ProgType.LWT_OUT, null, Target.NONE, 0),
    LWT_XMIT("lwt_xmit", ProgType.LWT_XMIT, null, Target.NONE, 0),
    LWT_SEG6LOCAL("lwt_seg6local", ProgType.LWT_SEG6LOCAL, null, Target.NONE, 0),
    SOCKOPS("sockops", ProgType.SOCK_OPS, AttachType.CGROUP_SOCK_OPS, Target.NONE, 0),
    SK_SKB_STREAM_PARSER("sk_skb/stream_parser", ProgType.SK_SKB, AttachType.SK_SKB_STREAM_PARSER, Target.NONE, 0),
    SK_SKB_STREAM_VERDICT("sk_skb/stream_verdict", ProgType.SK_SKB, AttachType.SK_SKB_STREAM_VERDICT, Target.NONE, 0),
    SK_SKB_VERDICT("sk_skb/verdict", ProgType.SK_SKB, AttachType.SK_SKB_VERDICT, Target.NONE, 0),
    SK_SKB("sk_skb", ProgType.SK_SKB, null, Target.NONE, 0),
    SK_MSG("sk_msg", ProgType.SK_MSG, AttachType.SK_MSG_VERDICT, Target.NONE, 0),
    LIRC_MODE2("lirc_mode2", ProgType.LIRC_MODE2, AttachType.LIRC_MODE2, Target.NONE, 0),
    FLOW_DISSECTOR("flow_dissector", ProgType.FLOW_DISSECTOR, AttachType.FLOW_DISSECTOR, Target.NONE, 0),
    CGROUP_SKB_INGRESS("cgroup_skb/ingress", ProgType.CGROUP_SKB, AttachType.CGROUP_INET_INGRESS, Target.NONE, 0),
    CGROUP_SKB_EGRESS("cgroup_skb/egress", ProgType.CGROUP_SKB, AttachType.CGROUP_INET_EGRESS, Target.NONE, 0),
    CGROUP_SKB("cgroup/skb", ProgType.CGROUP_SKB, null, Target.NONE, 0),
    CGROUP_SOCK_CREATE("cgroup/sock_create", ProgType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_CREATE, Target.NONE, 0),
    CGROUP_SOCK_RELEASE("cgroup/sock_release", ProgType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_RELEASE, Target.NONE, 0),
    CGROUP_SOCK("cgroup/sock", ProgType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_CREATE, Target.NONE, 0),
    CGROUP_POST_BIND4("cgroup/post_bind4", ProgType.CGROUP_SOCK, AttachType.CGROUP_INET4_POST_BIND, Target.NONE, 0),
    CGROUP_POST_BIND6("cgroup/post_bind6", ProgType.CGROUP_SOCK, AttachType.CGROUP_INET6_POST_BIND, Target.NONE, 0),
    CGROUP_BIND4("cgroup/bind4", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_BIND, Target.NONE, 0),
    CGROUP_BIND6("cgroup/bind6", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_BIND, Target.NONE, 0),
    CGROUP_CONNECT4("cgroup/connect4", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_CONNECT, Target.NONE, 0),
    CGROUP_CONNECT6("cgroup/connect6", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_CONNECT, Target.NONE, 0),
    CGROUP_CONNECT_UNIX("cgroup/connect_unix", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_CONNECT, Target.NONE, 0),
    CGROUP_SENDMSG4("cgroup/sendmsg4", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP4_SENDMSG, Target.NONE, 0),
    CGROUP_SENDMSG6("cgroup/sendmsg6", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP6_SENDMSG, Target.NONE, 0),
    CGROUP_SENDMSG_UNIX("cgroup/sendmsg_unix", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_SENDMSG, Target.NONE, 0),
    CGROUP_RECVMSG4("cgroup/recvmsg4", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP4_RECVMSG, Target.NONE, 0),
    CGROUP_RECVMSG6("cgroup/recvmsg6", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP6_RECVMSG, Target.NONE, 0),
    CGROUP_RECVMSG_UNIX("cgroup/recvmsg_unix", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_RECVMSG, Target.NONE, 0),
    CGROUP_GETPEERNAME4("cgroup/getpeername4", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_GETPEERNAME, Target.NONE, 0),
    CGROUP_GETPEERNAME6("cgroup/getpeername6", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_GETPEERNAME, Target.NONE, 0),
    CGROUP_GETPEERNAME_UNIX("cgroup/getpeername_unix", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_GETPEERNAME, Target.NONE, 0),
    CGROUP_GETSOCKNAME4("cgroup/getsockname4", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_GETSOCKNAME, Target.NONE, 0),
    CGROUP_GETSOCKNAME6("cgroup/getsockname6", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_GETSOCKNAME, Target.NONE, 0),
    CGROUP_GETSOCKNAME_UNIX("cgroup/getsockname_unix", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_GETSOCKNAME, Target.NONE, 0),
    CGROUP_SYSCTL("cgroup/sysctl", ProgType.CGROUP_SYSCTL, AttachType.CGROUP_SYSCTL, Target.NONE, 0),
    CGROUP_GETSOCKOPT("cgroup/getsockopt", ProgType.CGROUP_SOCKOPT, AttachType.CGROUP_GETSOCKOPT, Target.NONE, 0),
    CGROUP_SETSOCKOPT("cgroup/setsockopt", ProgType.CGROUP_SOCKOPT, AttachType.CGROUP_SETSOCKOPT, Target.NONE, 0),
    CGROUP_DEV("cgroup/dev", ProgType.CGROUP_DEVICE, AttachType.CGROUP_DEVICE, Target.NONE, 0),
    STRUCT_OPS("struct_ops+", ProgType.STRUCT_OPS, null, Target.STRUCT_OPS, 0),
    STRUCT_OPS_S("struct_ops.s+", ProgType.STRUCT_OPS, null, Target.STRUCT_OPS, Flags.SLEEPABLE),
    SK_LOOKUP("sk_lookup", ProgType.SK_LOOKUP, AttachType.SK_LOOKUP, Target.NONE, 0),
    NETFILTER("netfilter", ProgType.NETFILTER, AttachType.NETFILTER, Target.NONE, 0);

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
    private final ProgType progType;
    private final AttachType attachType;
    private final Target target;
    private final int progFlags;

    ProgramSection(String pattern, ProgType progType, AttachType attachType, Target target, int progFlags) {
        this.pattern = pattern;
        this.progType = progType;
        this.attachType = attachType;
        this.target = target;
        this.progFlags = progFlags;
    }

    /** libbpf's pattern: {@code "tracepoint+"}, {@code "xdp"}. */
    public String pattern() {
        return pattern;
    }

    /** The program type BPF_PROG_LOAD takes for this section. */
    public ProgType progType() {
        return progType;
    }

    /** The expected attach type BPF_PROG_LOAD takes, or empty when the load takes none (0). */
    public Optional<AttachType> attachType() {
        return Optional.ofNullable(attachType);
    }

    /** The expected attach type's number for BPF_PROG_LOAD: 0 when there is none. */
    public int expectedAttachType() {
        return attachType == null ? 0 : attachType.value();
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
