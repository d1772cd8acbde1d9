package dev.gewyvern.syscall.probes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.Kernel;
import dev.gewyvern.syscall.attr.KprobeMultiLinkAttr;
import dev.gewyvern.syscall.attr.PerfEventAttr;

/**
 * Attach kinds, as {@code gew session apply --attach} names them: each is its program type's answer, then what
 * the kind needs beyond it (a bpf_link type in the kernel's BTF, a PMU, tracefs, a BTF target the verifier
 * takes). The kinds whose answer needs a probe of their own are probed by a load against a real BTF target
 * (tp_btf, fentry, fexit, lsm, iter), by a link (the multi-kprobes, {@link MultiKprobeProbe}), by a target
 * class ({@link FmodRetProbe}) or by a perf event (hardware events).
 */
final class AttachKindProbes {
    private AttachKindProbes() {
    }

    static void probe(CapabilityProbes run) {
        Kinds a = (name, s) -> run.add(Capability.Category.ATTACH_KIND, "", name, s);
        Support tracefs = Files.isDirectory(Path.of("/sys/kernel/tracing/events"))
                || Files.isDirectory(Path.of("/sys/kernel/debug/tracing/events"))
                ? viaLink(run, "tracepoint", "perf_event", "tracefs events")
                : run.programType("tracepoint").isSupported()
                ? Support.supported("program type tracepoint, bpf_link perf_event; tracefs is mounted on first use")
                : run.programType("tracepoint");
        a.add("tracepoint", tracefs);
        a.add("raw_tp", viaLink(run, "raw_tracepoint", "raw_tracepoint", ""));
        a.add("tp_btf", btfTarget(run, "tracing", "BPF_TRACE_RAW_TP",
                run.kernel.typedef("btf_trace_sched_switch"), "btf_trace_sched_switch"));
        int fentryTarget = run.kernel.function("bpf_fentry_test1");
        a.add("fentry", btfTarget(run, "tracing", "BPF_TRACE_FENTRY", fentryTarget, "bpf_fentry_test1"));
        a.add("fexit", btfTarget(run, "tracing", "BPF_TRACE_FEXIT", fentryTarget, "bpf_fentry_test1"));
        a.add("fmod_ret", FmodRetProbe.probe(run, true));
        a.add("fmod_ret.security", FmodRetProbe.probe(run, false));
        Support lsm = run.kernel.function("bpf_lsm_file_open") < 0 && run.configOff("CONFIG_BPF_LSM")
                ? Support.notSupported(Support.Why.CONFIG_MISSING, "CONFIG_BPF_LSM off: no bpf_lsm_* hooks")
                : btfTarget(run, "lsm", "BPF_LSM_MAC", run.kernel.function("bpf_lsm_file_open"), "bpf_lsm_file_open");
        a.add("lsm", lsm);
        a.add("iter", btfTarget(run, "tracing", "BPF_TRACE_ITER", run.kernel.function("bpf_iter_task"),
                "bpf_iter_task"));
        Support kprobe = kprobes(run);
        a.add("kprobe", kprobe);
        a.add("kretprobe", kprobe);
        a.add("kprobe.multi", MultiKprobeProbe.probe(run, "BPF_TRACE_KPROBE_MULTI", 0, "kprobe.multi"));
        a.add("kretprobe.multi", MultiKprobeProbe.probe(run, "BPF_TRACE_KPROBE_MULTI", KprobeMultiLinkAttr.RETURN,
                "kretprobe.multi"));
        a.add("uprobe", uprobes(run, false));
        a.add("uretprobe", uprobes(run, false));
        a.add("uprobe.multi", uprobes(run, true));
        a.add("kprobe.session", MultiKprobeProbe.probe(run, "BPF_TRACE_KPROBE_SESSION", 0, "kprobe.session"));
        a.add("uprobe.session", session(run, uprobes(run, true), "BPF_TRACE_UPROBE_SESSION"));
        a.add("perf_event", viaLink(run, "perf_event", "perf_event", "software events"));
        a.add("perf_event.hardware", hardwarePerf(run));
        for (String k : List.of("cgroup_skb", "cgroup_sock", "cgroup_sock_addr", "cgroup_sockopt", "cgroup_sysctl",
                "cgroup_device", "sock_ops")) {
            a.add(k.equals("cgroup_device") ? "cgroup_dev" : k, viaLink(run, k, "cgroup", "cgroup v2"));
        }
        a.add("xdp", viaLink(run, "xdp", "xdp", ""));
        a.add("tcx", viaLink(run, "sched_cls", "tcx", ""));
        Support netkit = viaLink(run, "sched_cls", "netkit", "");
        if (netkit.isSupported() && run.configOff("CONFIG_NETKIT")) {
            netkit = Support.notSupported(Support.Why.CONFIG_MISSING, "CONFIG_NETKIT off: no netkit devices to attach to");
        }
        a.add("netkit", netkit);
        a.add("netfilter", viaLink(run, "netfilter", "netfilter", ""));
        a.add("sk_lookup", viaLink(run, "sk_lookup", "netns", ""));
        a.add("flow_dissector", viaLink(run, "flow_dissector", "netns", ""));
        a.add("struct_ops", structOps(run));
        Support ext = run.programType("ext");
        a.add("freplace", ext.isSupported() ? viaLink(run, "ext", "tracing", "") : ext);
    }

    /** Where this run's answers for attach kinds go. */
    @FunctionalInterface
    private interface Kinds {
        void add(String name, Support s);
    }

    /** Supported when the program type is and the kernel has the link type; else the first reason why not. */
    private static Support viaLink(CapabilityProbes run, String progType, String linkType, String extra) {
        Support p = run.programType(progType);
        if (!p.isSupported()) {
            return p;
        }
        if (!run.kernel.linkTypes().containsKey(linkType)) {
            return Support.notSupported(Support.Why.ABSENT, "no BPF_LINK_TYPE_" + linkType.toUpperCase(Locale.ROOT)
                    + " in the kernel's BTF: this kernel has no bpf_link for it");
        }
        return Support.supported("program type " + progType + ", bpf_link " + linkType
                + (extra.isEmpty() ? "" : ", " + extra));
    }

    /** A TRACING/LSM load against a real BTF target: what fentry, tp_btf, iter and the rest really need. */
    private static Support btfTarget(CapabilityProbes run, String progType, String attachType, int btfId,
                                     String target) {
        Integer type = run.kernel.programTypes().get(progType);
        if (type == null) {
            return run.programType(progType);
        }
        if (btfId <= 0) {
            return Support.inconclusive("the kernel's BTF has no " + target + " to probe against");
        }
        int expected = run.kernel.attachType(attachType);
        if (expected < 0) {
            return Support.notSupported(Support.Why.ABSENT, "no " + attachType + " in the kernel's BTF");
        }
        ProbeProgram p = ProbeProgram.load(type, expected, ProbeProgram.Insns.returnZero(), 0, 0, btfId);
        if (p.loaded()) {
            return Support.supported("probe program loaded against " + target);
        }
        return ProbeRefusal.of(run, p, attachType + " against " + target,
                progType.equals("lsm") ? "CONFIG_BPF_LSM" : null);
    }

    private static boolean pmu(String name) {
        return Files.isDirectory(Path.of("/sys/bus/event_source/devices", name));
    }

    private static Support kprobes(CapabilityProbes run) {
        Support p = run.programType("kprobe");
        if (!p.isSupported()) {
            return p;
        }
        if (!pmu("kprobe")) {
            String why = run.configOff("CONFIG_KPROBES") ? "CONFIG_KPROBES off" : run.configText("CONFIG_KPROBES");
            return Support.notSupported(Support.Why.CONFIG_MISSING, why + " / no kprobe PMU "
                    + "(/sys/bus/event_source/devices/kprobe is missing)");
        }
        return viaLink(run, "kprobe", "perf_event", "kprobe PMU");
    }

    private static Support uprobes(CapabilityProbes run, boolean multi) {
        Support p = run.programType("kprobe");
        if (!p.isSupported()) {
            return p;
        }
        if (!pmu("uprobe")) {
            return Support.notSupported(Support.Why.CONFIG_MISSING, run.configText("CONFIG_UPROBE_EVENTS")
                    + " / no uprobe PMU (/sys/bus/event_source/devices/uprobe is missing)");
        }
        return viaLink(run, "kprobe", multi ? "uprobe_multi" : "perf_event", "uprobe PMU");
    }

    /**
     * uprobe.session: its multi link's support, and the kernel's attach type for it (a program runs at entry
     * and, if it returned 0 there, at return).
     */
    private static Support session(CapabilityProbes run, Support multi, String attachType) {
        if (!multi.isSupported()) {
            return multi;
        }
        if (run.kernel.attachType(attachType) < 0) {
            return Support.notSupported(Support.Why.ABSENT, "no " + attachType + " in the kernel's BTF (6.13+ for "
                    + "uprobe sessions)");
        }
        return Support.supported(((Support.Supported) multi).detail() + ", " + attachType);
    }

    /** A counting CPU-cycles event on this thread: the hardware PMU is there, or the reason it is not. */
    private static Support hardwarePerf(CapabilityProbes run) {
        Support p = run.programType("perf_event");
        if (!p.isSupported()) {
            return p;
        }
        int cycles = run.kernel.value("perf_hw_id", "PERF_COUNT_HW_CPU_CYCLES");
        try (Fd ev = Kernel.get().perfEventOpen(new PerfEventAttr(PerfEventAttr.PERF_TYPE_HARDWARE,
                Math.max(0, cycles), 0, 0), 0, -1)) {
            return viaLink(run, "perf_event", "perf_event", "hardware PMU (a cpu-cycles event opened)");
        } catch (BpfException e) {
            if (e.errno() == Errno.ENOENT || e.errno() == Errno.EOPNOTSUPP || e.errno() == Errno.ENODEV) {
                return Support.notSupported(Support.Why.ABSENT, "no hardware PMU: perf_event_open of cpu-cycles got "
                        + Errno.name(e.errno()) + (pmu("cpu") ? "" : " and /sys/bus/event_source/devices/cpu is "
                        + "missing (a virtual machine without PMU passthrough)"));
            }
            if (e.errno() == Errno.EPERM || e.errno() == Errno.EACCES) {
                return Support.notSupported(Support.Why.REFUSED_BY_POLICY, "perf_event_open of cpu-cycles as root got "
                        + Errno.name(e.errno()));
            }
            return Support.inconclusive(e.getMessage());
        }
    }

    /**
     * struct_ops: its program and map types; registered through a bpf_link where the kernel has BPF_F_LINK,
     * else the classic way, by writing the map's element (and unregistered by deleting it).
     */
    private static Support structOps(CapabilityProbes run) {
        Support p = run.programType("struct_ops");
        if (!p.isSupported()) {
            return p;
        }
        Support m = run.mapType("struct_ops");
        if (!m.isSupported()) {
            return m;
        }
        if (run.kernel.constant("BPF_F_LINK") >= 0) {
            return viaLink(run, "struct_ops", "struct_ops", "map created with BPF_F_LINK");
        }
        return Support.supported("program type struct_ops, map type struct_ops, registered by BPF_MAP_UPDATE_ELEM of "
                + "the map and unregistered by deleting it (the kernel has no BPF_F_LINK, so no struct_ops link)");
    }
}
