package dev.gewyvern.syscall.link;

import java.nio.file.Path;
import java.util.List;

import dev.gewyvern.elf.uapi.AttachType;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.Kernel;
import dev.gewyvern.syscall.attr.BpfCommand;
import dev.gewyvern.syscall.attr.GetFdByIdAttr;
import dev.gewyvern.syscall.attr.IterCreateAttr;
import dev.gewyvern.syscall.attr.KprobeEventAttr;
import dev.gewyvern.syscall.attr.KprobeMultiLinkAttr;
import dev.gewyvern.syscall.attr.LinkCreateAttr;
import dev.gewyvern.syscall.attr.NetfilterLinkAttr;
import dev.gewyvern.syscall.attr.NetkitLinkAttr;
import dev.gewyvern.syscall.attr.PerfEventAttr;
import dev.gewyvern.syscall.attr.RawTracepointOpenAttr;
import dev.gewyvern.syscall.attr.StructOpsLinkAttr;
import dev.gewyvern.syscall.attr.TracingLinkAttr;
import dev.gewyvern.syscall.attr.UprobeMultiLinkAttr;
import dev.gewyvern.syscall.kernel.KernelTypes;

/**
 * bpf_links for each attach kind: the link fd holds the attachment, closing it (with no pin left) detaches.
 * Attach types are named as {@code enum bpf_attach_type} names them and numbered from the kernel's own BTF.
 */
public final class Links {
    private Links() {
    }

    private static Fd link(Kernel.Result r, String call, String target) {
        if (r.value() < 0) {
            String hint = switch (r.errno()) {
                case Errno.EPERM -> "the kernel refuses this attachment here (policy or missing privilege)";
                case Errno.EINVAL -> "the program's type or expected attach type does not fit " + target;
                case Errno.EEXIST, Errno.EBUSY -> "something is already attached there";
                case Errno.ENOENT -> "no such target";
                case Errno.E2BIG -> "the target already has the most programs the kernel allows on it (64 per event)";
                default -> null;
            };
            throw new BpfException(call + " on " + target, r.errno(), hint, null);
        }
        return new Fd((int) r.value(), "link");
    }

    /** raw_tp: the raw tracepoint {@code name} (e.g. sched_switch). */
    public static Fd rawTracepoint(Fd prog, String name, long cookie) {
        if (Tracepoints.rawMissing(name)) {
            // said before the call, so that a dry run (which makes none) says it too
            throw new BpfException("raw tracepoint " + name, Errno.ENOENT, "this kernel has no such tracepoint: no "
                    + "btf_trace_" + name + " in its BTF and no event " + name + " in tracefs available_events", null);
        }
        return link(Kernel.get().bpf(new RawTracepointOpenAttr(name, prog.value(), cookie)),
                "BPF_RAW_TRACEPOINT_OPEN", "raw tracepoint " + name);
    }

    /** tp_btf (and the other BTF-targeted tracing kinds): the target was fixed when the program was loaded. */
    public static Fd tracing(Fd prog, String target) {
        return link(Kernel.get().bpf(new RawTracepointOpenAttr(null, prog.value(), 0)),
                "BPF_RAW_TRACEPOINT_OPEN", target);
    }

    /**
     * fentry, fexit, fmod_ret and lsm: a tracing link (BPF_LINK_CREATE with the program's own
     * {@code attachType}, e.g. BPF_TRACE_FENTRY); the target was fixed when the program was loaded.
     */
    public static Fd btfLink(Fd prog, AttachType attachType, String target) {
        return link(Kernel.get().bpf(new TracingLinkAttr(prog.value(), 0, attachType.value(), 0, 0)),
                "BPF_LINK_CREATE", target);
    }

    /**
     * freplace: links an extension program in place of the function it was loaded against (attach_prog_fd
     * and attach_btf_id at load: target fd and target_btf_id 0 here). Its attach type is its expected attach
     * type, 0, as libbpf's bpf_program__attach_freplace passes it.
     */
    public static Fd freplace(Fd prog, String describe) {
        return link(Kernel.get().bpf(new TracingLinkAttr(prog.value(), 0, 0, 0, 0)), "BPF_LINK_CREATE", describe);
    }

    /**
     * kprobe / kretprobe: a kprobe PMU perf event on kernel function {@code function} at {@code offset}
     * bytes into it, linked with BPF_LINK_CREATE; the link keeps the event.
     */
    public static Fd kprobe(Fd prog, String function, long offset, boolean retprobe) {
        KprobeEventAttr event = KprobeEventAttr.of(function, offset, retprobe);
        String target = (retprobe ? "kretprobe " : "kprobe ") + function + (offset == 0 ? "" : "+" + offset);
        try (Fd ev = Kernel.get().kprobeOpen(event, -1, 0)) {
            return perfEventLink(prog, ev, 0, target);
        }
    }

    /**
     * kprobe.multi: one link with kprobes on every kernel function of {@code functions}, each with its cookie
     * of {@code cookies} (none, or one per function), firing as {@code mode} says (kprobe.multi,
     * kretprobe.multi, or kprobe.session). The program must have been loaded with expected attach type
     * BPF_TRACE_KPROBE_MULTI (BPF_TRACE_KPROBE_SESSION for a session).
     */
    public static Fd kprobeMulti(Fd prog, List<String> functions, long[] cookies, ProbeMode mode) {
        boolean retprobe = mode == ProbeMode.RETURN;
        boolean session = mode == ProbeMode.SESSION;
        // the capability report (attach kind kretprobe.multi) says whether the kernel takes the flag
        int flags = retprobe ? KprobeMultiLinkAttr.RETURN : 0;
        return link(Kernel.get().bpf(new KprobeMultiLinkAttr(prog.value(),
                (session ? AttachType.TRACE_KPROBE_SESSION : AttachType.TRACE_KPROBE_MULTI).value(), flags, functions,
                cookies)),
                "BPF_LINK_CREATE", (session ? "kprobe.session " : retprobe ? "kretprobe.multi " : "kprobe.multi ")
                + String.join(",", functions));
    }

    /**
     * struct_ops: registers the struct_ops map {@code map} (created with BPF_F_LINK, its value written)
     * through a link; closing the link (with no pin left) unregisters it.
     */
    public static Fd structOps(Fd map, String name) {
        return link(Kernel.get().bpf(new StructOpsLinkAttr(map.value(), AttachType.STRUCT_OPS.value())),
                "BPF_LINK_CREATE", "struct_ops map " + name);
    }

    /** perf_event: a perf event opened for {@code pid} on {@code cpu}; the link keeps the event. */
    public static Fd perfEvent(Fd prog, PerfEventAttr event, int pid, int cpu, long cookie) {
        try (Fd ev = Kernel.get().perfEventOpen(event, pid, cpu)) {
            return perfEventLink(prog, ev, cookie, "perf event type " + event.type() + " config " + event.config());
        }
    }

    /** Links {@code prog} to the perf event {@code event} (BPF_PERF_EVENT); the link holds the event. */
    static Fd perfEventLink(Fd prog, Fd event, long cookie, String target) {
        return link(Kernel.get().bpf(new LinkCreateAttr(prog.value(), event.value(), AttachType.PERF_EVENT.value(), 0,
                cookie)), "BPF_LINK_CREATE", target);
    }

    /**
     * uprobe / uretprobe: function {@code symbol} of the ELF binary {@code binary}, resolved to its file
     * offset from the binary's own symbol tables, in every process that runs it.
     */
    public static Fd uprobe(Fd prog, Path binary, String symbol, boolean retprobe) {
        long offset = fileOffset(readElf(binary), binary, symbol, "uprobe ");
        String target = (retprobe ? "uretprobe " : "uprobe ") + binary + ":" + symbol;
        try (Fd ev = Kernel.get().uprobeOpen(binary.toAbsolutePath().toString(), offset, retprobe, -1)) {
            return perfEventLink(prog, ev, 0, target);
        }
    }

    /**
     * uprobe.multi: one link with uprobes on the functions of one ELF binary that {@code targets} names (with
     * their cookies, in every process or one), firing as {@code mode} says (uprobe.multi, uretprobe.multi, or
     * uprobe.session, whose program runs at entry and, when it returned 0, at return). The program must have
     * been loaded with expected attach type BPF_TRACE_UPROBE_MULTI (BPF_TRACE_UPROBE_SESSION for a session).
     */
    public static Fd uprobeMulti(Fd prog, UprobeTargets targets, ProbeMode mode) {
        Path binary = targets.binary();
        List<String> symbols = targets.symbols();
        long[] cookies = targets.cookies();
        int pid = targets.pid();
        boolean retprobe = mode == ProbeMode.RETURN;
        boolean session = mode == ProbeMode.SESSION;
        byte[] elf = readElf(binary);
        long[] offsets = new long[symbols.size()];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = fileOffset(elf, binary, symbols.get(i), "uprobe.multi ");
        }
        int flags = retprobe ? KernelTypes.running().constant("BPF_F_UPROBE_MULTI_RETURN") : 0;
        if (flags < 0) {
            throw new BpfException("uretprobe.multi", Errno.EINVAL,
                    "this kernel's BTF has no BPF_F_UPROBE_MULTI_RETURN (too old for uretprobe.multi)", null);
        }
        return link(Kernel.get().bpf(new UprobeMultiLinkAttr(prog.value(),
                (session ? AttachType.TRACE_UPROBE_SESSION : AttachType.TRACE_UPROBE_MULTI).value(),
                binary.toAbsolutePath().toString(), offsets, cookies, flags, pid)), "BPF_LINK_CREATE",
                (session ? "uprobe.session " : retprobe ? "uretprobe.multi " : "uprobe.multi ") + binary + ":" + String.join(",", symbols)
                        + (pid == 0 ? "" : " of pid " + pid));
    }

    /** The whole ELF file a uprobe goes into. */
    public static byte[] readElf(Path binary) {
        try {
            return java.nio.file.Files.readAllBytes(binary);
        } catch (java.io.IOException e) {
            throw new BpfException("reading " + binary, Errno.ENOENT, e.getMessage(), null);
        }
    }

    private static long fileOffset(byte[] elf, Path binary, String symbol, String kind) {
        try {
            return dev.gewyvern.elf.ElfSymbolTable.fileOffset(elf, symbol).orElseThrow(() -> new BpfException(
                    kind + binary + ":" + symbol, Errno.ENOENT, "the binary defines no function " + symbol
                            + " in .symtab or .dynsym", null));
        } catch (dev.gewyvern.elf.ElfException e) {
            throw new BpfException(kind + binary + ":" + symbol, Errno.EINVAL, e.getMessage(), null);
        }
    }

    /** cgroup_*: the cgroup v2 folder {@code cgroup}, at {@code attachType} (e.g. BPF_CGROUP_INET4_CONNECT). */
    public static Fd cgroup(Fd prog, Path cgroup, AttachType attachType) {
        try (Fd dir = Kernel.get().open(cgroup.toString(), "cgroup")) {
            return link(Kernel.get().bpf(new LinkCreateAttr(prog.value(), dir.value(), attachType.value(), 0, 0)),
                    "BPF_LINK_CREATE", attachType.constant() + " of cgroup " + cgroup);
        }
    }

    /** xdp and tcx: the interface {@code ifindex} of the calling thread's network namespace. */
    public static Fd netdev(Fd prog, int ifindex, AttachType attachType) {
        return link(Kernel.get().bpf(new LinkCreateAttr(prog.value(), ifindex, attachType.value(), 0, 0)),
                "BPF_LINK_CREATE", attachType.constant() + " of interface " + ifindex);
    }

    /**
     * netkit: the primary or peer device (BPF_NETKIT_PRIMARY, BPF_NETKIT_PEER) of the netkit pair whose primary
     * is {@code ifindex} in the calling thread's network namespace, after the programs already there.
     */
    public static Fd netkit(Fd prog, int ifindex, AttachType attachType) {
        return link(Kernel.get().bpf(new NetkitLinkAttr(prog.value(), ifindex, attachType.value(), 0, 0, 0)),
                "BPF_LINK_CREATE", attachType.constant() + " of netkit interface " + ifindex);
    }

    /** sk_lookup and flow_dissector: the network namespace file {@code netns} (/proc/PID/ns/net, /run/netns/NAME). */
    public static Fd netns(Fd prog, Path netns, AttachType attachType) {
        try (Fd ns = Kernel.get().open(netns.toString(), "network namespace")) {
            return link(Kernel.get().bpf(new LinkCreateAttr(prog.value(), ns.value(), attachType.value(), 0, 0)),
                    "BPF_LINK_CREATE", attachType.constant() + " of " + netns);
        }
    }

    /**
     * netfilter: the hook {@code hooknum} of protocol family {@code pf} (uapi NFPROTO_*, NF_INET_*) at
     * {@code priority}, in the calling thread's network namespace.
     */
    public static Fd netfilter(Fd prog, int pf, int hooknum, int priority) {
        return link(Kernel.get().bpf(new NetfilterLinkAttr(prog.value(), AttachType.NETFILTER.value(), pf, hooknum,
                priority, 0)), "BPF_LINK_CREATE", "netfilter hook " + hooknum + " of family " + pf + " at priority "
                + priority);
    }

    /** iter: an iterator link for a program loaded against a bpf_iter_* target (no parameters). */
    public static Fd iter(Fd prog, String target) {
        return link(Kernel.get().bpf(new LinkCreateAttr(prog.value(), 0, AttachType.TRACE_ITER.value(), 0, 0)),
                "BPF_LINK_CREATE", "iterator " + target);
    }

    /** Runs an iterator once: opens a reader on its link and reads it to the end (at most {@code max} bytes). */
    public static byte[] readIterator(Fd link, int max) {
        Kernel.Result r = Kernel.get().bpf(new IterCreateAttr(link.value(), 0));
        if (r.value() < 0) {
            throw new BpfException("BPF_ITER_CREATE on " + link, r.errno(), null, null);
        }
        try (Fd reader = new Fd((int) r.value(), "iterator")) {
            return Kernel.get().readAll(reader, max);
        }
    }

    /** Whether the link with this id (one of ours, learnt from its info) still exists in the kernel. */
    public static boolean exists(int linkId) {
        Kernel.Result r = Kernel.get().bpf(new GetFdByIdAttr(BpfCommand.BPF_LINK_GET_FD_BY_ID, linkId, 0));
        if (r.value() >= 0) {
            new Fd((int) r.value(), "link").close();
            return true;
        }
        if (r.errno() == Errno.ENOENT) {
            return false;
        }
        throw new BpfException("BPF_LINK_GET_FD_BY_ID " + linkId, r.errno(), null, null);
    }
}
