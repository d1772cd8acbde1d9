package dev.gewyvern.session;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.gewyvern.elf.ProgramSection;
import dev.gewyvern.elf.uapi.AttachType;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.Kernel;
import dev.gewyvern.syscall.kernel.KernelTypes;
import dev.gewyvern.syscall.kernel.SymbolRules;
import dev.gewyvern.syscall.link.Links;
import dev.gewyvern.syscall.link.ProbeMode;
import dev.gewyvern.syscall.link.Tracepoints;

/**
 * The attach phase of one program: its {@link AttachTarget} and its section (which fixes the program type and
 * the expected attach type) become one bpf_link. Every kind here has a link; none is a legacy attachment.
 */
final class Attacher {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:@-]{0,14}");
    private static final java.util.List<String> HOOKS = java.util.List.of("prerouting", "local_in", "forward",
            "local_out", "postrouting");

    private Attacher() {
    }

    /** What attach() made: the link and a description of its target ("raw_tp:sched_switch"). */
    /**
     * A program's link and its target as {@code --attach} writes it for the program's section ({@link AttachSpec}),
     * then in parentheses what that text does not hold: a cgroup or tcx link's attach type, how many functions a
     * glob matched, a perf event's CPU and period.
     */
    record Attached(Fd link, String target) {
        Attached(Fd link, ProgramSection.Match match, AttachTarget target, String detail) {
            this(link, AttachSpec.of(match.kind(), target).format() + (detail.isEmpty() ? "" : " (" + detail + ")"));
        }
    }

    /** Checks the parts of a target that need no kernel; {@code field} names it in the error. */
    static void validate(String field, AttachTarget a) {
        switch (a.getKindCase()) {
            case RAW_TRACEPOINT -> name(field + ".raw_tracepoint.name", a.getRawTracepoint().getName());
            case BTF_TRACEPOINT -> name(field + ".btf_tracepoint.name", a.getBtfTracepoint().getName());
            case PERF_EVENT -> PerfEvents.validate(field + ".perf_event", a.getPerfEvent());
            case CGROUP -> absolute(field + ".cgroup.path", a.getCgroup().getPath());
            case NETDEV -> {
                if (!IFNAME.matcher(a.getNetdev().getName()).matches()) {
                    throw bad(field + ".netdev.name", "'" + a.getNetdev().getName() + "' is not an interface name");
                }
                if (!a.getNetdev().getNetns().isEmpty()) {
                    absolute(field + ".netdev.netns", a.getNetdev().getNetns());
                }
            }
            case NETNS -> absolute(field + ".netns.path", a.getNetns().getPath());
            case UPROBE -> {
                absolute(field + ".uprobe.binary", a.getUprobe().getBinary());
                if (!SymbolRules.SYMBOL.matcher(a.getUprobe().getSymbol()).matches()) {
                    throw bad(field + ".uprobe.symbol", "'" + a.getUprobe().getSymbol() + "' is not a symbol name");
                }
            }
            case ITER -> name(field + ".iter.target", a.getIter().getTarget());
            case UPROBE_MULTI -> UprobeMultiTarget.validate(field + ".uprobe_multi", a.getUprobeMulti());
            case NETFILTER -> {
                var nf = a.getNetfilter();
                if (!nf.getFamily().equals("ipv4") && !nf.getFamily().equals("ipv6")) {
                    throw bad(field + ".netfilter.family", "'" + nf.getFamily() + "': want ipv4 or ipv6");
                }
                if (!HOOKS.contains(nf.getHook())) {
                    throw bad(field + ".netfilter.hook", "'" + nf.getHook() + "': want one of " + HOOKS);
                }
                if (!nf.getNetns().isEmpty()) {
                    absolute(field + ".netfilter.netns", nf.getNetns());
                }
            }
            case TRACING -> function(field + ".tracing.function", a.getTracing().getFunction());
            case KPROBE -> function(field + ".kprobe.function", a.getKprobe().getFunction());
            case KPROBE_MULTI -> {
                var km = a.getKprobeMulti();
                if (km.getSymbolsCount() == 0 == km.getPattern().isEmpty()) {
                    throw bad(field + ".kprobe_multi", "give either symbols or a pattern, not " + (km.getSymbolsCount()
                            == 0 ? "neither" : "both"));
                }
                for (int i = 0; i < km.getSymbolsCount(); i++) {
                    function(field + ".kprobe_multi.symbols[" + i + "]", km.getSymbols(i));
                }
                if (!km.getPattern().isEmpty() && !SymbolRules.KERNEL_GLOB.matcher(km.getPattern()).matches()) {
                    throw bad(field + ".kprobe_multi.pattern", "'" + km.getPattern() + "' is not a glob of function "
                            + "names (letters, digits, _, * and ?)");
                }
                if (km.getCookiesCount() != 0 && km.getCookiesCount() != km.getSymbolsCount()) {
                    throw bad(field + ".kprobe_multi.cookies", km.getCookiesCount() + " cookies for "
                            + km.getSymbolsCount() + " symbols: give one per symbol, in their order (cookies need "
                            + "symbols, not a pattern)");
                }
            }
            case FREPLACE -> {
                var f = a.getFreplace();
                switch (f.getTargetCase()) {
                    case PROGRAM -> {
                        if (!Ids.OBJECT_NAME.matcher(f.getProgram()).matches()) {
                            throw bad(field + ".freplace.program", "'" + f.getProgram() + "' must be a C identifier");
                        }
                    }
                    case PINNED -> absolute(field + ".freplace.pinned", f.getPinned());
                    default -> throw bad(field + ".freplace", "name the target: a program of this session, or the "
                            + "path of a pinned program");
                }
            }
            case STRUCT_OPS -> { }
            default -> throw bad(field, "an attach target is needed (tracepoint, raw_tracepoint, btf_tracepoint, "
                    + "perf_event, cgroup, netdev, netns, uprobe, uprobe_multi, netfilter, iter, tracing, kprobe, "
                    + "kprobe_multi, freplace or struct_ops)");
        }
    }

    private static void name(String field, String v) {
        if (!NAME.matcher(v).matches()) {
            throw bad(field, "'" + v + "' is not a tracepoint name");
        }
    }

    private static void function(String field, String v) {
        if (!SymbolRules.SYMBOL.matcher(v).matches()) {
            throw bad(field, "'" + v + "' is not a function name");
        }
    }

    static void absolute(String field, String v) {
        if (!v.startsWith("/") || v.contains("/../") || v.endsWith("/..")) {
            throw bad(field, "'" + v + "' must be an absolute path without '..'");
        }
    }

    static SessionException bad(String field, String rule) {
        return SessionException.invalid(Step.CREATE, "invalid pipeline: " + field + ": " + rule);
    }

    /**
     * A tp_btf or iter program was loaded against the target its section names (AttachBtf); the pipeline's
     * target must name the same, or the session would say one thing and do another.
     */
    private static void sameTarget(Program p, ProgramSection.Match match, String kind, String target) {
        sameTarget(p, match, match.name(), kind, target);
    }

    /** As above, against {@code named}: what the section names (a kprobe's function with its +offset). */
    private static void sameTarget(Program p, ProgramSection.Match match, String named, String kind, String target) {
        if (!named.equals(target)) {
            throw SessionException.invalid(Step.ATTACH, "program '" + p.getName() + "' is in section '" + match.section()
                    + "' but its target is " + kind + " " + target + ": they must name the same "
                    + (match.name().isEmpty() ? "(give the section its target, e.g. " + match.section() + "/" + target
                    + ")" : "target"));
        }
    }

    static Attached attach(Program p, Fd prog, ProgramSection.Match match) {
        AttachTarget a = p.getAttach();
        ProgramSection kind = match.kind();
        switch (a.getKindCase()) {
            case TRACEPOINT: {
                need(p, match, "tracepoint", ProgramSection.TRACEPOINT, ProgramSection.TP);
                var tp = a.getTracepoint();
                return new Attached(Tracepoints.attach(prog, tp.getCategory(), tp.getName(), 0), match, a, "");
            }
            case RAW_TRACEPOINT: {
                need(p, match, "raw_tracepoint", ProgramSection.RAW_TP, ProgramSection.RAW_TRACEPOINT);
                String name = a.getRawTracepoint().getName();
                return new Attached(Links.rawTracepoint(prog, name, 0), match, a, "");
            }
            case BTF_TRACEPOINT: {
                need(p, match, "btf_tracepoint", ProgramSection.TP_BTF);
                sameTarget(p, match, "btf_tracepoint", a.getBtfTracepoint().getName());
                return new Attached(Links.tracing(prog, "tp_btf:" + a.getBtfTracepoint().getName()), match, a, "");
            }
            case PERF_EVENT:
                return PerfEvents.attach(p, prog, match);
            case CGROUP: {
                AttachType type = kind.attachType().orElse(null);
                if (type == null || !type.constant().startsWith("BPF_CGROUP_")) {
                    throw mismatch(p, match, "cgroup", "a cgroup_skb/ingress|egress or cgroup/<hook> section "
                            + "(connect4, connect6, bind4, sendmsg4, sock_create, sock_release, dev, sysctl, "
                            + "getsockopt, setsockopt)");
                }
                Path cg = Path.of(a.getCgroup().getPath());
                return new Attached(Links.cgroup(prog, cg, type), match, a, attachName(type));
            }
            case NETDEV: {
                need(p, match, "netdev", ProgramSection.XDP, ProgramSection.TCX_INGRESS, ProgramSection.TCX_EGRESS,
                        ProgramSection.NETKIT_PRIMARY, ProgramSection.NETKIT_PEER);
                var nd = a.getNetdev();
                AttachType type = kind.attachType().orElseThrow();
                boolean netkit = kind == ProgramSection.NETKIT_PRIMARY || kind == ProgramSection.NETKIT_PEER;
                String detail = kind == ProgramSection.XDP ? "" : attachName(type);
                java.util.function.Supplier<Fd> link = () -> netkit ? Links.netkit(prog, ifindex(p, nd.getName()), type)
                        : Links.netdev(prog, ifindex(p, nd.getName()), type);
                if (nd.getNetns().isEmpty()) {
                    return new Attached(link.get(), match, a, detail);
                }
                return new Attached(Kernel.get().inNetns(nd.getNetns(), link), match, a, detail);
            }
            case NETNS: {
                need(p, match, "netns", ProgramSection.SK_LOOKUP, ProgramSection.FLOW_DISSECTOR);
                AttachType type = kind.attachType().orElseThrow();
                Path ns = Path.of(a.getNetns().getPath());
                return new Attached(Links.netns(prog, ns, type), match, a, "");
            }
            case UPROBE: {
                need(p, match, "uprobe", ProgramSection.UPROBE, ProgramSection.URETPROBE);
                boolean ret = kind == ProgramSection.URETPROBE;
                Path bin = Path.of(a.getUprobe().getBinary());
                return new Attached(Links.uprobe(prog, bin, a.getUprobe().getSymbol(), ret), match, a, "");
            }
            case ITER: {
                need(p, match, "iter", ProgramSection.ITER);
                sameTarget(p, match, "iter", a.getIter().getTarget());
                return new Attached(Links.iter(prog, "iter:" + a.getIter().getTarget()), match, a, "");
            }
            case NETFILTER: {
                need(p, match, "netfilter", ProgramSection.NETFILTER);
                var nf = a.getNetfilter();
                int pf = KernelTypes.running().constant("NFPROTO_" + nf.getFamily().toUpperCase(Locale.ROOT));
                int hook = KernelTypes.running().value("nf_inet_hooks", "NF_INET_" + nf.getHook().toUpperCase(Locale.ROOT));
                if (pf < 0 || hook < 0) {
                    throw SessionException.unsupported(Step.ATTACH, "program '" + p.getName() + "': this kernel's BTF has no "
                            + "NFPROTO_" + nf.getFamily().toUpperCase(Locale.ROOT) + " or NF_INET_"
                            + nf.getHook().toUpperCase(Locale.ROOT));
                }
                if (nf.getNetns().isEmpty()) {
                    return new Attached(Links.netfilter(prog, pf, hook, nf.getPriority()), match, a, "");
                }
                return new Attached(Kernel.get().inNetns(nf.getNetns(),
                        () -> Links.netfilter(prog, pf, hook, nf.getPriority())), match, a, "");
            }
            case UPROBE_MULTI:
                return UprobeMultiTarget.attach(p, prog, match);
            case TRACING: {
                need(p, match, "tracing", ProgramSection.FENTRY, ProgramSection.FEXIT, ProgramSection.FMOD_RET,
                        ProgramSection.FENTRY_S, ProgramSection.FEXIT_S, ProgramSection.FMOD_RET_S, ProgramSection.LSM,
                        ProgramSection.LSM_S);
                sameTarget(p, match, "tracing", a.getTracing().getFunction());
                AttachType type = kind.attachType().orElseThrow();
                String target = match.section().substring(0, match.section().indexOf('/')) + ":"
                        + a.getTracing().getFunction();
                return new Attached(Links.btfLink(prog, type, target), match, a, "");
            }
            case KPROBE: {
                need(p, match, "kprobe", ProgramSection.KPROBE, ProgramSection.KRETPROBE);
                boolean ret = kind == ProgramSection.KRETPROBE;
                var kp = a.getKprobe();
                if (!match.target().isEmpty()) {
                    sameTarget(p, match, match.target(), "kprobe", kp.getFunction()
                            + (kp.getOffset() == 0 ? "" : "+" + kp.getOffset()));
                }
                if (ret && kp.getOffset() != 0) {
                    throw SessionException.invalid(Step.ATTACH, "program '" + p.getName() + "' is a kretprobe: it takes no "
                            + "offset (it runs when " + kp.getFunction() + " returns)");
                }
                return new Attached(Links.kprobe(prog, kp.getFunction(), kp.getOffset(), ret), match, a, "");
            }
            case KPROBE_MULTI: {
                need(p, match, "kprobe_multi", ProgramSection.KPROBE_MULTI, ProgramSection.KRETPROBE_MULTI,
                        ProgramSection.KPROBE_SESSION);
                boolean ret = kind == ProgramSection.KRETPROBE_MULTI;
                boolean session = kind == ProgramSection.KPROBE_SESSION;
                var km = a.getKprobeMulti();
                String spec = km.getPattern().isEmpty() ? String.join(",", km.getSymbolsList()) : km.getPattern();
                if (!match.name().isEmpty()) {
                    sameTarget(p, match, "kprobe_multi", spec);
                }
                java.util.List<String> functions = km.getSymbolsList();
                String detail = "";
                if (!km.getPattern().isEmpty()) {
                    var resolved = dev.gewyvern.syscall.kernel.KernelFunctions.matching(km.getPattern());
                    functions = resolved.functions();
                    detail = functions.size() + " functions of " + resolved.source();
                }
                long[] cookies = km.getCookiesList().stream().mapToLong(Long::longValue).toArray();
                return new Attached(Links.kprobeMulti(prog, functions, cookies,
                        session ? ProbeMode.SESSION : ret ? ProbeMode.RETURN : ProbeMode.ENTRY), match, a, detail);
            }
            case FREPLACE: {
                need(p, match, "freplace", ProgramSection.FREPLACE);
                var f = a.getFreplace();
                String target = "freplace:" + (f.hasPinned() ? f.getPinned() : f.getProgram()) + ":" + match.name();
                return new Attached(Links.freplace(prog, target), match, a, "function " + match.name());
            }
            default:
                throw SessionException.invalid(Step.ATTACH, "program '" + p.getName() + "' has no attach target");
        }
    }

    /** An attach type as the target's text names it: {@code BPF_CGROUP_INET4_CONNECT} is {@code inet4_connect}. */
    private static String attachName(AttachType type) {
        return type.text().replaceFirst("^cgroup_", "");
    }

    /** The interface's index in the calling thread's network namespace (if_nametoindex). */
    private static int ifindex(Program p, String name) {
        int idx = Kernel.get().ifindex(name);
        if (idx <= 0) {
            throw SessionException.notFound(Step.ATTACH, "program '" + p.getName() + "': no network interface '" + name
                    + "' in that network namespace (see `ip link`; give the target's netns when it lives in another)");
        }
        return idx;
    }

    static void need(Program p, ProgramSection.Match match, String target, ProgramSection... kinds) {
        for (ProgramSection k : kinds) {
            if (match.kind() == k) {
                return;
            }
        }
        StringBuilder want = new StringBuilder();
        for (ProgramSection k : kinds) {
            want.append(want.length() == 0 ? "" : " or ").append(k.pattern().replace("+", "/..."));
        }
        throw mismatch(p, match, target, "a " + want + " section");
    }

    private static SessionException mismatch(Program p, ProgramSection.Match match, String target, String want) {
        return SessionException.invalid(Step.ATTACH, "program '" + p.getName() + "' is a " + match.kind().progType().constant()
                + " program (section '" + match.section() + "'); a " + target + " target needs " + want);
    }
}
