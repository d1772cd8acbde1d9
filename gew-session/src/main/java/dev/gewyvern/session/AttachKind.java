package dev.gewyvern.session;

import java.util.List;
import java.util.Optional;

import dev.gewyvern.elf.ProgramSection;
import dev.gewyvern.proto.v1.AttachTarget.KindCase;

/**
 * The word before the first colon of an {@code --attach} value: how a program attaches. Each kind has one
 * target shape (the proto {@code AttachTarget} case) and fits the program sections (libbpf's {@code SEC()}
 * words) that attach that way. Three words are generic and fit every section of their shape: {@code netdev}
 * (xdp, tcx, netkit), {@code netns} (sk_lookup, flow_dissector) and {@code tracing} (fentry, fexit, fmod_ret,
 * lsm); they are what a target prints as when its program's section is not at hand.
 */
public enum AttachKind {
    NONE("none", KindCase.LOAD_ONLY, List.of()),
    TRACEPOINT("tracepoint", KindCase.TRACEPOINT, List.of("tracepoint", "tp"), "tp"),
    RAW_TP("raw_tp", KindCase.RAW_TRACEPOINT, List.of("raw_tp", "raw_tracepoint"), "raw_tracepoint"),
    TP_BTF("tp_btf", KindCase.BTF_TRACEPOINT, List.of("tp_btf")),
    PERF_EVENT("perf_event", KindCase.PERF_EVENT, List.of("perf_event")),
    CGROUP("cgroup", KindCase.CGROUP, List.of("cgroup", "cgroup_skb", "sockops")),
    XDP("xdp", KindCase.NETDEV, List.of("xdp")),
    TCX("tcx", KindCase.NETDEV, List.of("tcx", "tc", "classifier")),
    NETKIT("netkit", KindCase.NETDEV, List.of("netkit")),
    NETDEV("netdev", KindCase.NETDEV, List.of("xdp", "tcx", "tc", "classifier", "netkit")),
    SK_LOOKUP("sk_lookup", KindCase.NETNS, List.of("sk_lookup")),
    FLOW_DISSECTOR("flow_dissector", KindCase.NETNS, List.of("flow_dissector")),
    NETNS("netns", KindCase.NETNS, List.of("sk_lookup", "flow_dissector")),
    UPROBE("uprobe", KindCase.UPROBE, List.of("uprobe")),
    URETPROBE("uretprobe", KindCase.UPROBE, List.of("uretprobe")),
    UPROBE_MULTI("uprobe.multi", KindCase.UPROBE_MULTI, List.of("uprobe.multi", "uprobe.session")),
    URETPROBE_MULTI("uretprobe.multi", KindCase.UPROBE_MULTI, List.of("uretprobe.multi")),
    NETFILTER("netfilter", KindCase.NETFILTER, List.of("netfilter")),
    ITER("iter", KindCase.ITER, List.of("iter")),
    FENTRY("fentry", KindCase.TRACING, List.of("fentry")),
    FEXIT("fexit", KindCase.TRACING, List.of("fexit")),
    FMOD_RET("fmod_ret", KindCase.TRACING, List.of("fmod_ret")),
    LSM("lsm", KindCase.TRACING, List.of("lsm")),
    TRACING("tracing", KindCase.TRACING, List.of("fentry", "fexit", "fmod_ret", "lsm")),
    KPROBE("kprobe", KindCase.KPROBE, List.of("kprobe", "ksyscall")),
    KRETPROBE("kretprobe", KindCase.KPROBE, List.of("kretprobe", "kretsyscall")),
    KPROBE_MULTI("kprobe.multi", KindCase.KPROBE_MULTI, List.of("kprobe.multi", "kprobe.session")),
    KRETPROBE_MULTI("kretprobe.multi", KindCase.KPROBE_MULTI, List.of("kretprobe.multi")),
    FREPLACE("freplace", KindCase.FREPLACE, List.of("freplace")),
    STRUCT_OPS("struct_ops", KindCase.STRUCT_OPS, List.of("struct_ops"));

    private final String word;
    private final KindCase shape;
    private final List<String> sections;
    private final String alias;

    AttachKind(String word, KindCase shape, List<String> sections) {
        this(word, shape, sections, null);
    }

    AttachKind(String word, KindCase shape, List<String> sections, String alias) {
        this.word = word;
        this.shape = shape;
        this.sections = sections;
        this.alias = alias;
    }

    /** The word {@code --attach} writes. */
    public String word() {
        return word;
    }

    /** The target shape this kind takes. */
    public KindCase shape() {
        return shape;
    }

    /** The kind a word names (its spelling or libbpf's other one: tp, raw_tracepoint). */
    public static Optional<AttachKind> of(String word) {
        for (AttachKind k : values()) {
            if (k.word.equals(word) || word.equals(k.alias)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The generic kind a target of this shape prints as when its program's section is not known. */
    public static AttachKind generic(KindCase shape) {
        return switch (shape) {
            case NETDEV -> NETDEV;
            case NETNS -> NETNS;
            case TRACING -> TRACING;
            case UPROBE -> UPROBE;
            case UPROBE_MULTI -> UPROBE_MULTI;
            case KPROBE -> KPROBE;
            case KPROBE_MULTI -> KPROBE_MULTI;
            default -> {
                for (AttachKind k : values()) {
                    if (k.shape == shape) {
                        yield k;
                    }
                }
                yield NONE;
            }
        };
    }

    /** Whether a program in this section attaches as this kind ({@code none} fits every program). */
    public boolean fits(ProgramSection section) {
        return this == NONE || sections.contains(base(section));
    }

    /** The specific kind a program in this section attaches as, if one does. */
    public static Optional<AttachKind> of(ProgramSection section) {
        for (AttachKind k : values()) {
            if (k != NONE && k != NETDEV && k != NETNS && k != TRACING && k.fits(section)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The section word without its target, sleepable, writable or frags mark: uprobe.multi.s+ is uprobe.multi. */
    private static String base(ProgramSection section) {
        String p = section.pattern();
        int end = p.length();
        for (char c : new char[] {'/', '+'}) {
            int i = p.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        p = p.substring(0, end);
        for (String mark : new String[] {".s", ".w", ".frags"}) {
            if (p.endsWith(mark)) {
                p = p.substring(0, p.length() - mark.length());
            }
        }
        return p;
    }
}
