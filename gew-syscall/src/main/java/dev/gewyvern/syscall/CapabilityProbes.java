package dev.gewyvern.syscall;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.gewyvern.btf.BtfType;
import dev.gewyvern.btf.BtfWriter;
import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.syscall.attr.BtfLoadAttr;
import dev.gewyvern.syscall.attr.KprobeMultiLinkAttr;
import dev.gewyvern.syscall.attr.LinkCreateAttr;
import dev.gewyvern.syscall.attr.MapCreateAttr;
import dev.gewyvern.syscall.attr.NativeArg;
import dev.gewyvern.syscall.attr.PerfEventAttr;
import dev.gewyvern.syscall.attr.TokenCreateAttr;
import dev.gewyvern.syscall.kernel.KernelConfig;
import dev.gewyvern.syscall.kernel.KernelRelease;
import dev.gewyvern.syscall.kernel.KernelTypes;

/**
 * The capability probes. Each creates only its own throwaway objects (a two-instruction program, a
 * one-entry map, a few bytes of BTF) and closes them at once; none lists or opens anything else in the
 * kernel. Program and map types are probed the way libbpf's {@code libbpf_probe_bpf_prog_type} and
 * {@code libbpf_probe_bpf_map_type} do, so that the answers can be held against
 * {@code bpftool feature probe}; helpers the way {@code libbpf_probe_bpf_helper} does, also reading the
 * verifier message newer kernels use ("program of this type cannot use helper").
 */
final class CapabilityProbes {
    private static final int EINVAL = Errno.EINVAL;
    private static final int BPF_F_NO_PREALLOC = 1;
    private static final int BPF_F_MMAPABLE = 1 << 10;
    private static final int BPF_F_SLEEPABLE = 1 << 4;
    /** Probing these writes a warning to the kernel log (bpftool skips them unless asked for "full"). */
    static final Set<String> NOISY_HELPERS = Set.of("trace_printk", "trace_vprintk", "probe_write_user");
    /** Program types a minimal program cannot probe helpers for (libbpf returns EOPNOTSUPP for them too). */
    static final Set<String> NO_HELPER_PROBE_TYPES = Set.of("tracing", "ext", "lsm", "struct_ops");

    private final KernelTypes kernel;
    private final Optional<KernelConfig> config;
    private final List<Capability> out = new ArrayList<>();
    private final Map<String, Support> progTypes = new HashMap<>();

    private CapabilityProbes(KernelTypes kernel, Optional<KernelConfig> config) {
        this.kernel = kernel;
        this.config = config;
    }

    static Capabilities probeAll(KernelTypes kernel, boolean helpers) {
        long start = System.nanoTime();
        CapabilityProbes p = new CapabilityProbes(kernel, KernelConfig.running());
        p.programTypes();
        p.mapTypes();
        p.attachKinds();
        p.features();
        if (helpers) {
            p.helpers();
        }
        return new Capabilities(p.out, System.nanoTime() - start, helpers);
    }

    private void add(Capability.Category category, String scope, String name, Support s) {
        out.add(new Capability(category, scope, name, s));
    }

    private String configText(String option) {
        return config.map(c -> option + "=" + c.get(option)).orElse(option + " (no kernel config published)");
    }

    private boolean configOff(String option) {
        return config.isPresent() && !config.get().enabled(option);
    }

    // ---- program types ----

    private int attach(String name) {
        return Math.max(0, kernel.attachType(name));
    }

    private void programTypes() {
        for (Map.Entry<String, Integer> e : kernel.programTypes().entrySet()) {
            String name = e.getKey();
            if (name.equals("unspec")) {
                continue;
            }
            Support s = programType(name, e.getValue());
            progTypes.put(name, s);
            add(Capability.Category.PROGRAM_TYPE, "", name, s);
        }
    }

    /** libbpf's probe_prog_load: the options each type needs, and the error some types are expected to give. */
    private ProbeProgram loadMinimal(String name, int type, byte[] insns) {
        int expected = 0;
        int flags = 0;
        int kernVersion = 0;
        int btfId = 0;
        switch (name) {
            case "cgroup_sock_addr": expected = attach("BPF_CGROUP_INET4_CONNECT"); break;
            case "cgroup_sockopt": expected = attach("BPF_CGROUP_GETSOCKOPT"); break;
            case "sk_lookup": expected = attach("BPF_SK_LOOKUP"); break;
            case "lirc_mode2": expected = attach("BPF_LIRC_MODE2"); break;
            case "netfilter": expected = attach("BPF_NETFILTER"); break;
            case "kprobe": kernVersion = KernelRelease.running().versionCode(); break;
            case "syscall": flags = BPF_F_SLEEPABLE; break;
            case "tracing": expected = attach("BPF_TRACE_FENTRY"); btfId = 1; break;
            case "lsm": expected = attach("BPF_LSM_MAC"); btfId = 1; break;
            case "ext": btfId = 1; break;
            default: break;
        }
        return ProbeProgram.load(type, expected, insns, kernVersion, flags, btfId);
    }

    private Support programType(String name, int type) {
        ProbeProgram p = loadMinimal(name, type, ProbeProgram.Insns.returnZero());
        switch (name) {
            case "tracing":
            case "lsm":
                // attach_btf_id 1 is never a function: a kernel that gets as far as saying so has the type
                if (p.errno() == EINVAL && p.log().contains("is not a function")) {
                    return Support.supported("probe load reached the attach check: " + p.evidence());
                }
                break;
            case "ext":
                if (p.errno() == EINVAL && p.log().contains("Cannot replace kernel functions")) {
                    return Support.supported("probe load reached the attach check: " + p.evidence());
                }
                break;
            case "struct_ops":
                if (p.errno() == Errno.ENOTSUPP) {
                    return Support.supported("probe load reached the struct_ops check (ENOTSUPP, as expected)");
                }
                break;
            default:
                if (p.loaded()) {
                    return Support.supported("");
                }
                break;
        }
        Support refused = refusal(p, "BPF_PROG_TYPE_" + name.toUpperCase(java.util.Locale.ROOT), programConfig(name));
        if (name.equals("tracing") && refused instanceof Support.NotSupported n) {
            // the probe loads as fentry (libbpf's and bpftool's probe does too); tp_btf and iter programs are
            // tracing programs as well, and a kernel may allow those: their attach kinds carry that answer
            return Support.notSupported(n.why(), n.detail() + "; probed as fentry, as bpftool does: tp_btf, iter "
                    + "and the other tracing attach kinds are probed on their own, see attach kinds");
        }
        return refused;
    }

    /** A refused probe load, classified. */
    private Support refusal(ProbeProgram p, String what, String option) {
        if (p.loaded()) {
            return Support.inconclusive(what + " loaded where the probe expected a specific error");
        }
        if (p.errno() == Errno.EPERM) {
            return Support.notSupported(Support.Why.REFUSED_BY_POLICY, what + ": BPF_PROG_LOAD as root got "
                    + p.evidence());
        }
        if (p.errno() == EINVAL && option != null && configOff(option)) {
            return Support.notSupported(Support.Why.CONFIG_MISSING, what + ": " + Errno.name(p.errno()) + "; "
                    + configText(option));
        }
        if (p.errno() == EINVAL && p.log().isEmpty()) {
            return Support.notSupported(Support.Why.ABSENT, what + ": the kernel knows the name but refuses the type "
                    + "(EINVAL, no verifier log)" + (option == null ? "" : "; " + configText(option)));
        }
        return Support.inconclusive(what + ": " + p.evidence());
    }

    private static String programConfig(String name) {
        switch (name) {
            case "lirc_mode2": return "CONFIG_BPF_LIRC_MODE2";
            case "lsm": return "CONFIG_BPF_LSM";
            case "kprobe": return "CONFIG_BPF_EVENTS";
            case "cgroup_skb": case "cgroup_sock": case "cgroup_sock_addr": case "cgroup_sockopt":
            case "cgroup_sysctl": case "cgroup_device": return "CONFIG_CGROUP_BPF";
            case "netfilter": return "CONFIG_NETFILTER_BPF_LINK";
            default: return null;
        }
    }

    // ---- map types ----

    private void mapTypes() {
        Map<String, Integer> types = kernel.mapTypes();
        for (Map.Entry<String, Integer> e : types.entrySet()) {
            // an old name kept as an alias of a new one (cgroup_storage_deprecated = cgroup_storage) is one type
            String renamed = e.getKey().replace("_deprecated", "");
            if (e.getKey().equals("unspec") || !renamed.equals(e.getKey()) && e.getValue().equals(types.get(renamed))) {
                continue;
            }
            add(Capability.Category.MAP_TYPE, "", e.getKey(), mapType(e.getKey(), e.getValue()));
        }
    }

    /** libbpf's probe_map_create: the sizes and flags each type needs. */
    private Support mapType(String name, int type) {
        int key = 4;
        int value = 4;
        int max = 1;
        int flags = 0;
        int btfKey = 0;
        int btfValue = 0;
        int vmlinuxValue = 0;
        int expectErrno = 0;
        Fd btf = null;
        Fd inner = null;
        try {
            switch (name) {
                case "stack_trace": value = 8; break;
                case "lpm_trie": key = 8; value = 8; flags = BPF_F_NO_PREALLOC; break;
                case "cgroup_storage": case "percpu_cgroup_storage": key = 16; value = 8; max = 0; break;
                case "queue": case "stack": case "bloom_filter": key = 0; break;
                case "sk_storage": case "inode_storage": case "task_storage": case "cgrp_storage":
                    btf = Bpf.loadBtf(localStorageBtf(), "the local-storage probe's BTF");
                    btfKey = 1;
                    btfValue = 3;
                    value = 8;
                    max = 0;
                    flags = BPF_F_NO_PREALLOC;
                    break;
                case "ringbuf": case "user_ringbuf": key = 0; value = 0; max = 4096; break;
                case "struct_ops": vmlinuxValue = 1; expectErrno = Errno.ENOTSUPP; break;
                case "arena": key = 0; value = 0; max = 1; flags = BPF_F_MMAPABLE; break;
                case "array_of_maps": case "hash_of_maps":
                    inner = Bpf.createMap(MapCreateAttr.of(MapType.HASH, 4, 4, 1).withName("gew_probe_in"));
                    break;
                default: break;
            }
            MapCreateAttr attr = MapCreateAttr.of(type, key, value, max).withFlags(flags)
                    .withInnerMap(inner == null ? 0 : inner.value()).withName("gew_probe")
                    .withBtf(btf == null ? 0 : btf.value(), btfKey, btfValue).withVmlinuxValueType(vmlinuxValue);
            Kernel.Result r = Kernel.get().bpf(attr);
            if (r.value() >= 0) {
                new Fd((int) r.value(), "map").close();
                return expectErrno == 0 ? Support.supported("")
                        : Support.inconclusive("created where the probe expected " + Errno.name(expectErrno));
            }
            if (expectErrno != 0 && r.errno() == expectErrno) {
                return Support.supported("probe reached the type's own check (" + Errno.name(expectErrno) + ")");
            }
            if (r.errno() == Errno.EPERM) {
                return Support.notSupported(Support.Why.REFUSED_BY_POLICY, "BPF_MAP_CREATE as root got EPERM");
            }
            if (r.errno() == EINVAL) {
                return Support.notSupported(Support.Why.ABSENT, "BPF_MAP_CREATE of the smallest valid map got "
                        + "EINVAL: not built into this kernel");
            }
            return Support.inconclusive("BPF_MAP_CREATE got " + Errno.name(r.errno()));
        } catch (BpfException e) {
            return Support.inconclusive(e.getMessage());
        } finally {
            if (btf != null) {
                btf.close();
            }
            if (inner != null) {
                inner.close();
            }
        }
    }

    /** int; struct bpf_spin_lock { int val; }; struct val { int cnt; struct bpf_spin_lock l; } (libbpf's). */
    static byte[] localStorageBtf() {
        return BtfWriter.write(List.of(new BtfType.Int("int", 4, BtfType.Int.SIGNED, 0, 32),
                new BtfType.Struct("bpf_spin_lock", 4, false, false, List.of(new BtfType.Member("val", 1, 0, 0))),
                new BtfType.Struct("val", 8, false, false,
                        List.of(new BtfType.Member("cnt", 1, 0, 0), new BtfType.Member("l", 2, 32, 0)))),
                ByteOrder.nativeOrder());
    }

    // ---- helpers ----

    private void helpers() {
        Map<String, Integer> helpers = kernel.helpers();
        for (Map.Entry<String, Integer> t : kernel.programTypes().entrySet()) {
            String type = t.getKey();
            Support ts = progTypes.get(type);
            if (ts == null) {
                continue;
            }
            if (!ts.isSupported()) {
                // no helper can be used where the program type cannot: the type's own answer stands for all
                add(Capability.Category.HELPER, type, "*", ts);
                continue;
            }
            if (NO_HELPER_PROBE_TYPES.contains(type)) {
                add(Capability.Category.HELPER, type, "*", Support.inconclusive(NO_HELPER_PROBE));
                continue;
            }
            for (Map.Entry<String, Integer> h : helpers.entrySet()) {
                add(Capability.Category.HELPER, type, h.getKey(), helper(type, t.getValue(), h.getKey(), h.getValue()));
            }
        }
    }

    /**
     * One helper for one program type, probed on its own (for a caller that did not probe every pair):
     * {@code typeSupport} is the program type's own answer, which stands for every helper when negative.
     */
    static Support oneHelper(KernelTypes kernel, Support typeSupport, String type, String helper) {
        if (!typeSupport.isSupported()) {
            return typeSupport;
        }
        if (NO_HELPER_PROBE_TYPES.contains(type)) {
            return Support.inconclusive(NO_HELPER_PROBE);
        }
        Integer typeNumber = kernel.programTypes().get(type);
        Integer id = helper.startsWith("helper#") ? Integer.valueOf(helper.substring("helper#".length()))
                : kernel.helpers().get(helper);
        if (typeNumber == null || id == null) {
            return Support.notSupported(Support.Why.ABSENT, "no " + (typeNumber == null ? "BPF_PROG_TYPE_" + type
                    : "BPF_FUNC_" + helper) + " in this kernel's BTF");
        }
        return new CapabilityProbes(kernel, KernelConfig.running()).helper(type, typeNumber, helper, id);
    }

    static final String NO_HELPER_PROBE = "helpers of this program type need a real attach target to probe; "
            + "not probed";

    private Support helper(String type, int typeNumber, String name, int id) {
        if (NOISY_HELPERS.contains(name)) {
            return Support.inconclusive("not probed: loading it writes a warning to the kernel log");
        }
        ProbeProgram p = loadMinimal(type, typeNumber, ProbeProgram.Insns.callHelper(id));
        if (p.loaded()) {
            return Support.supported("");
        }
        String log = p.log();
        if (log.contains("invalid func ")) {
            return Support.notSupported(Support.Why.ABSENT, "the verifier does not know helper #" + id);
        }
        if (log.contains("unknown func ") || log.contains("cannot use helper ")) {
            return Support.notSupported(Support.Why.ABSENT, "the verifier refuses it for " + type + " programs");
        }
        if (p.errno() == Errno.EPERM && log.isEmpty()) {
            return Support.notSupported(Support.Why.REFUSED_BY_POLICY, "BPF_PROG_LOAD as root got EPERM");
        }
        // the verifier accepted the call and stopped later, at the arguments: the helper is there
        return Support.supported("");
    }

    // ---- attach kinds ----

    private Support prog(String type) {
        return progTypes.getOrDefault(type, Support.notSupported(Support.Why.ABSENT, "no BPF_PROG_TYPE_"
                + type.toUpperCase(java.util.Locale.ROOT) + " in the kernel's BTF"));
    }

    /** Supported when the program type is and the kernel has the link type; else the first reason why not. */
    private Support viaLink(String progType, String linkType, String extra) {
        Support p = prog(progType);
        if (!p.isSupported()) {
            return p;
        }
        if (!kernel.linkTypes().containsKey(linkType)) {
            return Support.notSupported(Support.Why.ABSENT, "no BPF_LINK_TYPE_" + linkType.toUpperCase(java.util.Locale.ROOT)
                    + " in the kernel's BTF: this kernel has no bpf_link for it");
        }
        return Support.supported("program type " + progType + ", bpf_link " + linkType + (extra.isEmpty() ? "" : ", " + extra));
    }

    /** A TRACING/LSM load against a real BTF target: what fentry, tp_btf, iter and the rest really need. */
    private Support btfTarget(String progType, String attachType, int btfId, String target) {
        Integer type = kernel.programTypes().get(progType);
        if (type == null) {
            return prog(progType);
        }
        if (btfId <= 0) {
            return Support.inconclusive("the kernel's BTF has no " + target + " to probe against");
        }
        int expected = kernel.attachType(attachType);
        if (expected < 0) {
            return Support.notSupported(Support.Why.ABSENT, "no " + attachType + " in the kernel's BTF");
        }
        ProbeProgram p = ProbeProgram.load(type, expected, ProbeProgram.Insns.returnZero(), 0, 0, btfId);
        if (p.loaded()) {
            return Support.supported("probe program loaded against " + target);
        }
        return refusal(p, attachType + " against " + target, progType.equals("lsm") ? "CONFIG_BPF_LSM" : null);
    }

    /** A security hook every kernel with BPF has: what fmod_ret.security is probed against. */
    static final String FMOD_RET_SECURITY_TARGET = "security_file_open";

    /**
     * fmod_ret takes two classes of target, and the verifier checks which at load: functions on the kernel's
     * error-injection list (ALLOW_ERROR_INJECTION; a kernel without CONFIG_FUNCTION_ERROR_INJECTION has no
     * list at all) and security_* functions (the LSM hooks, always). Each class is probed with a target of its
     * own, so that one answer does not stand for the other: {@code bpf_modify_return_test} (an error-injection
     * function) for attach kind fmod_ret, {@link #FMOD_RET_SECURITY_TARGET} for fmod_ret.security.
     */
    private Support fmodRet(String target, boolean errorInjection) {
        Support tracing = kernel.programTypes().containsKey("tracing") ? Support.supported("")
                : prog("tracing");
        if (!tracing.isSupported()) {
            return tracing;
        }
        int btfId = kernel.function(target);
        if (btfId <= 0) {
            return Support.inconclusive("the kernel's BTF has no " + target + " to probe against");
        }
        int expected = kernel.attachType("BPF_MODIFY_RETURN");
        if (expected < 0) {
            return Support.notSupported(Support.Why.ABSENT, "no BPF_MODIFY_RETURN in the kernel's BTF");
        }
        ProbeProgram p = ProbeProgram.load(kernel.programTypes().get("tracing"), expected,
                ProbeProgram.Insns.returnZero(), 0, 0, btfId);
        String what = errorInjection ? "error-injection functions (the kernel's error-injection list)"
                : "security_* functions (LSM hooks)";
        if (p.loaded()) {
            return Support.supported("probe program loaded against " + target + ": fmod_ret takes " + what);
        }
        String reason = VerifierLog.reason(p.log());
        if (p.errno() == EINVAL && reason.endsWith("is not modifiable")) {
            if (errorInjection) {
                String option = "CONFIG_FUNCTION_ERROR_INJECTION";
                return Support.notSupported(Support.Why.CONFIG_MISSING, "the verifier said '" + reason + "': "
                        + (configOff(option) ? option + " off" : configText(option)) + ", so no function is on the "
                        + "error-injection list; security_* functions are still fmod_ret targets (fmod_ret.security)");
            }
            return Support.notSupported(Support.Why.ABSENT, "the verifier said '" + reason + "': this kernel does not "
                    + "let fmod_ret modify security_* functions");
        }
        return refusal(p, "BPF_MODIFY_RETURN against " + target, null);
    }

    private static boolean pmu(String name) {
        return Files.isDirectory(Path.of("/sys/bus/event_source/devices", name));
    }

    private Support kprobes() {
        Support p = prog("kprobe");
        if (!p.isSupported()) {
            return p;
        }
        if (!pmu("kprobe")) {
            String why = configOff("CONFIG_KPROBES") ? "CONFIG_KPROBES off" : configText("CONFIG_KPROBES");
            return Support.notSupported(Support.Why.CONFIG_MISSING, why + " / no kprobe PMU "
                    + "(/sys/bus/event_source/devices/kprobe is missing)");
        }
        return viaLink("kprobe", "perf_event", "kprobe PMU");
    }

    /** A function name no kernel has: a multi-kprobe link on it gets as far as the symbol lookup and no further. */
    static final String NO_SUCH_FUNCTION = "gew_probe_no_such_function";

    /**
     * kprobe.multi, kretprobe.multi and kprobe.session, asked of the kernel itself: a kprobe program loaded with
     * the kind's attach type, then BPF_LINK_CREATE with its flags on {@link #NO_SUCH_FUNCTION}. A kernel that
     * takes the attach type and the flags goes on to look the function up and answers ESRCH (ENOENT on some
     * versions): supported, and nothing was attached. EOPNOTSUPP is a kernel built without fprobe
     * (CONFIG_FPROBE); EINVAL a kernel that does not know the link or the flag. Neither the kprobe PMU nor a
     * constant in the kernel's BTF decides it (BPF_F_KPROBE_MULTI_RETURN was a #define before it was an enum).
     */
    private Support multiKprobe(String attachType, int flags, String kind) {
        Support p = prog("kprobe");
        if (!p.isSupported()) {
            return p;
        }
        if (!kernel.linkTypes().containsKey("kprobe_multi")) {
            return Support.notSupported(Support.Why.ABSENT, "no BPF_LINK_TYPE_KPROBE_MULTI in the kernel's BTF: this "
                    + "kernel has no multi-kprobe link");
        }
        int type = kernel.attachType(attachType);
        if (type < 0) {
            return Support.notSupported(Support.Why.ABSENT, "no " + attachType + " in the kernel's BTF");
        }
        Kernel.Result r;
        try (Fd prog = ProbeProgram.loadKept(kernel.programTypes().get("kprobe"), type,
                ProbeProgram.Insns.returnZero())) {
            r = Kernel.get().bpf(new KprobeMultiLinkAttr(prog.value(), type, flags, List.of(NO_SUCH_FUNCTION)));
        } catch (BpfException e) {
            return Support.inconclusive("loading a kprobe program with " + attachType + ": " + e.getMessage());
        }
        String call = "BPF_LINK_CREATE " + kind + " of " + NO_SUCH_FUNCTION;
        if (r.value() >= 0) {
            new Fd((int) r.value(), "link").close();
            return Support.inconclusive(call + " made a link where the probe expected the lookup to fail");
        }
        return switch (r.errno()) {
            case Errno.ESRCH, Errno.ENOENT -> Support.supported("program type kprobe, bpf_link kprobe_multi (fprobe): "
                    + call + " got as far as the function lookup (" + Errno.name(r.errno()) + ")");
            case Errno.EOPNOTSUPP -> Support.notSupported(Support.Why.CONFIG_MISSING, (configOff("CONFIG_FPROBE")
                    ? "CONFIG_FPROBE off" : configText("CONFIG_FPROBE")) + ": " + call + " got EOPNOTSUPP, the "
                    + "kernel has no fprobe for multi-kprobe links");
            case Errno.EINVAL -> Support.notSupported(Support.Why.ABSENT, call + " got EINVAL: this kernel does not "
                    + "take " + attachType + (flags == 0 ? "" : " with flags " + flags) + " links");
            case Errno.EPERM -> Support.notSupported(Support.Why.REFUSED_BY_POLICY, call + " as root got EPERM");
            default -> Support.inconclusive(call + " got " + Errno.name(r.errno()));
        };
    }

    private Support uprobes(boolean multi) {
        Support p = prog("kprobe");
        if (!p.isSupported()) {
            return p;
        }
        if (!pmu("uprobe")) {
            return Support.notSupported(Support.Why.CONFIG_MISSING, configText("CONFIG_UPROBE_EVENTS")
                    + " / no uprobe PMU (/sys/bus/event_source/devices/uprobe is missing)");
        }
        return multi ? viaLink("kprobe", "uprobe_multi", "uprobe PMU") : viaLink("kprobe", "perf_event", "uprobe PMU");
    }

    /**
     * uprobe.session: its multi link's support, and the kernel's attach type for it (a program runs at entry
     * and, if it returned 0 there, at return).
     */
    private Support session(Support multi, String attachType) {
        if (!multi.isSupported()) {
            return multi;
        }
        if (kernel.attachType(attachType) < 0) {
            return Support.notSupported(Support.Why.ABSENT, "no " + attachType + " in the kernel's BTF (6.13+ for "
                    + "uprobe sessions)");
        }
        return Support.supported(((Support.Supported) multi).detail() + ", " + attachType);
    }

    /** A counting CPU-cycles event on this thread: the hardware PMU is there, or the reason it is not. */
    private Support hardwarePerf() {
        Support p = prog("perf_event");
        if (!p.isSupported()) {
            return p;
        }
        int cycles = kernel.value("perf_hw_id", "PERF_COUNT_HW_CPU_CYCLES");
        try (Fd ev = Kernel.get().perfEventOpen(new PerfEventAttr(PerfEventAttr.PERF_TYPE_HARDWARE, Math.max(0, cycles),
                0, 0), 0, -1)) {
            return viaLink("perf_event", "perf_event", "hardware PMU (a cpu-cycles event opened)");
        } catch (BpfException e) {
            if (e.errno() == Errno.ENOENT || e.errno() == Errno.EOPNOTSUPP || e.errno() == Errno.ENODEV) {
                return Support.notSupported(Support.Why.ABSENT, "no hardware PMU: perf_event_open of cpu-cycles got "
                        + Errno.name(e.errno()) + (pmu("cpu") ? "" : " and /sys/bus/event_source/devices/cpu is missing "
                        + "(a virtual machine without PMU passthrough)"));
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
    private Support structOps() {
        Support p = prog("struct_ops");
        if (!p.isSupported()) {
            return p;
        }
        Support m = mapSupport("struct_ops");
        if (!m.isSupported()) {
            return m;
        }
        if (kernel.constant("BPF_F_LINK") >= 0) {
            return viaLink("struct_ops", "struct_ops", "map created with BPF_F_LINK");
        }
        return Support.supported("program type struct_ops, map type struct_ops, registered by BPF_MAP_UPDATE_ELEM of "
                + "the map and unregistered by deleting it (the kernel has no BPF_F_LINK, so no struct_ops link)");
    }

    private void attachKinds() {
        Capability.Category a = Capability.Category.ATTACH_KIND;
        Support tracefs = Files.isDirectory(Path.of("/sys/kernel/tracing/events"))
                || Files.isDirectory(Path.of("/sys/kernel/debug/tracing/events"))
                ? viaLink("tracepoint", "perf_event", "tracefs events")
                : prog("tracepoint").isSupported()
                ? Support.supported("program type tracepoint, bpf_link perf_event; tracefs is mounted on first use")
                : prog("tracepoint");
        add(a, "", "tracepoint", tracefs);
        add(a, "", "raw_tp", viaLink("raw_tracepoint", "raw_tracepoint", ""));
        add(a, "", "tp_btf", btfTarget("tracing", "BPF_TRACE_RAW_TP", kernel.typedef("btf_trace_sched_switch"),
                "btf_trace_sched_switch"));
        int fentryTarget = kernel.function("bpf_fentry_test1");
        add(a, "", "fentry", btfTarget("tracing", "BPF_TRACE_FENTRY", fentryTarget, "bpf_fentry_test1"));
        add(a, "", "fexit", btfTarget("tracing", "BPF_TRACE_FEXIT", fentryTarget, "bpf_fentry_test1"));
        add(a, "", "fmod_ret", fmodRet("bpf_modify_return_test", true));
        add(a, "", "fmod_ret.security", fmodRet(FMOD_RET_SECURITY_TARGET, false));
        Support lsm = kernel.function("bpf_lsm_file_open") < 0 && configOff("CONFIG_BPF_LSM")
                ? Support.notSupported(Support.Why.CONFIG_MISSING, "CONFIG_BPF_LSM off: no bpf_lsm_* hooks")
                : btfTarget("lsm", "BPF_LSM_MAC", kernel.function("bpf_lsm_file_open"), "bpf_lsm_file_open");
        add(a, "", "lsm", lsm);
        add(a, "", "iter", btfTarget("tracing", "BPF_TRACE_ITER", kernel.function("bpf_iter_task"), "bpf_iter_task"));
        Support kprobe = kprobes();
        add(a, "", "kprobe", kprobe);
        add(a, "", "kretprobe", kprobe);
        add(a, "", "kprobe.multi", multiKprobe("BPF_TRACE_KPROBE_MULTI", 0, "kprobe.multi"));
        add(a, "", "kretprobe.multi", multiKprobe("BPF_TRACE_KPROBE_MULTI", KprobeMultiLinkAttr.RETURN,
                "kretprobe.multi"));
        add(a, "", "uprobe", uprobes(false));
        add(a, "", "uretprobe", uprobes(false));
        add(a, "", "uprobe.multi", uprobes(true));
        add(a, "", "kprobe.session", multiKprobe("BPF_TRACE_KPROBE_SESSION", 0, "kprobe.session"));
        add(a, "", "uprobe.session", session(uprobes(true), "BPF_TRACE_UPROBE_SESSION"));
        add(a, "", "perf_event", viaLink("perf_event", "perf_event", "software events"));
        add(a, "", "perf_event.hardware", hardwarePerf());
        for (String k : List.of("cgroup_skb", "cgroup_sock", "cgroup_sock_addr", "cgroup_sockopt", "cgroup_sysctl",
                "cgroup_device", "sock_ops")) {
            add(a, "", k.equals("cgroup_device") ? "cgroup_dev" : k, viaLink(k, "cgroup", "cgroup v2"));
        }
        add(a, "", "xdp", viaLink("xdp", "xdp", ""));
        add(a, "", "tcx", viaLink("sched_cls", "tcx", ""));
        Support netkit = viaLink("sched_cls", "netkit", "");
        if (netkit.isSupported() && configOff("CONFIG_NETKIT")) {
            netkit = Support.notSupported(Support.Why.CONFIG_MISSING, "CONFIG_NETKIT off: no netkit devices to attach to");
        }
        add(a, "", "netkit", netkit);
        add(a, "", "netfilter", viaLink("netfilter", "netfilter", ""));
        add(a, "", "sk_lookup", viaLink("sk_lookup", "netns", ""));
        add(a, "", "flow_dissector", viaLink("flow_dissector", "netns", ""));
        add(a, "", "struct_ops", structOps());
        Support ext = prog("ext");
        add(a, "", "freplace", ext.isSupported() ? viaLink("ext", "tracing", "") : ext);
    }

    // ---- loader features ----

    private void features() {
        Capability.Category f = Capability.Category.FEATURE;
        add(f, "", "bpf_syscall", Support.supported("BPF_MAP_CREATE of an array map"));
        add(f, "", "bpf_link", linkCreate());
        for (BtfKindProbe k : BtfKindProbe.values()) {
            add(f, "", "btf_" + k.name().toLowerCase(java.util.Locale.ROOT), btfKind(k));
        }
        add(f, "", "global_data", globalData());
        add(f, "", "ringbuf", mapSupport("ringbuf"));
        add(f, "", "bpf_cookie", helperSupport("tracepoint", "get_attach_cookie"));
        add(f, "", "module_btf", moduleBtf());
        Support memcg = helperSupport("socket_filter", "ktime_get_coarse_ns");
        add(f, "", "memcg_accounting", memcg.isSupported()
                ? Support.supported("bpf_ktime_get_coarse_ns arrived with memcg accounting (5.11), as libbpf probes it")
                : Support.notSupported(Support.Why.ABSENT, "no bpf_ktime_get_coarse_ns: kernel before 5.11, "
                + "so RLIMIT_MEMLOCK limits BPF memory"));
        add(f, "", "bpf_token", token());
    }

    private Support mapSupport(String name) {
        for (Capability c : out) {
            if (c.category() == Capability.Category.MAP_TYPE && c.name().equals(name)) {
                return c.support();
            }
        }
        return Support.notSupported(Support.Why.ABSENT, "no BPF_MAP_TYPE_" + name.toUpperCase(java.util.Locale.ROOT));
    }

    private Support helperSupport(String progType, String helper) {
        Integer type = kernel.programTypes().get(progType);
        Integer id = kernel.helpers().get(helper);
        if (type == null || id == null) {
            return Support.notSupported(Support.Why.ABSENT, "the kernel's BTF has no helper " + helper);
        }
        return helper(progType, type, helper, id);
    }

    private Support linkCreate() {
        Kernel.Result r = Kernel.get().bpf(new LinkCreateAttr(-1, -1, 0, 0, 0));
        if (r.errno() == Errno.EBADF) {
            return Support.supported("BPF_LINK_CREATE with no program gets EBADF: the command exists");
        }
        if (r.errno() == EINVAL) {
            return Support.notSupported(Support.Why.ABSENT, "BPF_LINK_CREATE is an unknown command (EINVAL)");
        }
        return Support.inconclusive("BPF_LINK_CREATE with no program got " + Errno.name(r.errno()));
    }

    private Support token() {
        Kernel.Result r = Kernel.get().bpf(new TokenCreateAttr(0, -1));
        if (r.errno() == Errno.EBADF) {
            return Support.supported("BPF_TOKEN_CREATE with no bpffs gets EBADF: the command exists");
        }
        if (r.errno() == EINVAL) {
            return Support.notSupported(Support.Why.ABSENT, "BPF_TOKEN_CREATE is an unknown command (EINVAL)");
        }
        return Support.inconclusive("BPF_TOKEN_CREATE with no bpffs got " + Errno.name(r.errno()));
    }

    private Support moduleBtf() {
        int modules = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/sys/kernel/btf"))) {
            for (Path p : ds) {
                if (!p.getFileName().toString().equals("vmlinux")) {
                    modules++;
                }
            }
        } catch (IOException e) {
            return Support.notSupported(Support.Why.CONFIG_MISSING, "no /sys/kernel/btf (CONFIG_DEBUG_INFO_BTF off)");
        }
        if (modules > 0) {
            return Support.supported(modules + " module BTFs in /sys/kernel/btf");
        }
        if (configOff("CONFIG_DEBUG_INFO_BTF_MODULES")) {
            return Support.notSupported(Support.Why.CONFIG_MISSING, "CONFIG_DEBUG_INFO_BTF_MODULES off");
        }
        return Support.supported("no module BTFs loaded (/sys/kernel/btf holds only vmlinux)");
    }

    /** libbpf's probe_kern_global_data: a socket filter storing through a pointer into an array map's value. */
    private Support globalData() {
        try (Fd map = Bpf.createMap(MapCreateAttr.of(MapType.ARRAY, 4, 32, 1).withName("gew_probe_gd"))) {
            byte[] insns = new ProbeProgram.Insns()
                    .insn(0x18, 1, 2, 0, map.value()).insn(0, 0, 0, 0, 16) // r1 = &value[16] (BPF_PSEUDO_MAP_VALUE)
                    .insn(0x7a, 1, 0, 0, 42)                               // *(u64 *)(r1 + 0) = 42
                    .insn(0xb7, 0, 0, 0, 0).insn(0x95, 0, 0, 0, 0).bytes();
            ProbeProgram p = ProbeProgram.load(1, 0, insns, 0, 0, 0);
            return p.loaded() ? Support.supported("a program wrote through a map-value pointer")
                    : refusal(p, "global data (BPF_PSEUDO_MAP_VALUE)", null);
        } catch (BpfException e) {
            return Support.inconclusive(e.getMessage());
        }
    }

    /** The BTF kinds a loader may have to sanitize away on older kernels, each in the smallest BTF with it. */
    enum BtfKindProbe {
        FUNC, DATASEC, FLOAT, DECL_TAG, TYPE_TAG, ENUM64;

        List<BtfType> types() {
            BtfType.Int i = new BtfType.Int("int", 4, BtfType.Int.SIGNED, 0, 32);
            switch (this) {
                case FUNC: return List.of(i, new BtfType.FuncProto(1, List.of()), new BtfType.Func("f", 2, 0));
                case DATASEC: return List.of(i, new BtfType.Var("x", 1, 1),
                        new BtfType.Datasec(".data", 4, List.of(new BtfType.SecInfo(2, 0, 4))));
                case FLOAT: return List.of(new BtfType.Float("float", 4));
                case DECL_TAG: return List.of(i, new BtfType.Typedef("t", 1), new BtfType.DeclTag("tag", 2, -1));
                case TYPE_TAG: return List.of(i, new BtfType.TypeTag("tag", 1), new BtfType.Ptr(2));
                default: return List.of(new BtfType.Enum("e", 8, false, true,
                        List.of(new BtfType.EnumValue("E", 1L << 40))));
            }
        }
    }

    private Support btfKind(BtfKindProbe k) {
        NativeArg.In data = new NativeArg.In(BtfWriter.write(k.types(), ByteOrder.nativeOrder()));
        Kernel.Result r = Kernel.get().bpf(new BtfLoadAttr(data, null, 0));
        if (r.value() >= 0) {
            new Fd((int) r.value(), "btf").close();
            return Support.supported("BPF_BTF_LOAD of a BTF with it");
        }
        if (r.errno() == EINVAL) {
            return Support.notSupported(Support.Why.ABSENT, "BPF_BTF_LOAD refuses BTF with it (EINVAL): a loader must "
                    + "sanitize it away");
        }
        if (r.errno() == Errno.EPERM) {
            return Support.notSupported(Support.Why.REFUSED_BY_POLICY, "BPF_BTF_LOAD as root got EPERM");
        }
        return Support.inconclusive("BPF_BTF_LOAD got " + Errno.name(r.errno()));
    }
}
