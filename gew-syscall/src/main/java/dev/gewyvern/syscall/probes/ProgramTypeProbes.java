package dev.gewyvern.syscall.probes;

import java.util.Locale;
import java.util.Map;

import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.kernel.KernelRelease;

/**
 * Program types: every type in the kernel's enum bpf_prog_type, each probed by loading the smallest program of
 * it with the options that type needs (libbpf's {@code probe_prog_load}); tracing, lsm, ext and struct_ops
 * count as supported when the load reaches the type's own check of its attach target.
 */
final class ProgramTypeProbes {
    private ProgramTypeProbes() {
    }

    static void probe(CapabilityProbes run) {
        for (Map.Entry<String, Integer> e : run.kernel.programTypes().entrySet()) {
            String name = e.getKey();
            if (!name.equals("unspec")) {
                run.add(Capability.Category.PROGRAM_TYPE, "", name, probe(run, name, e.getValue()));
            }
        }
    }

    /** libbpf's probe_prog_load: the options each type needs, and the error some types are expected to give. */
    static ProbeProgram loadMinimal(CapabilityProbes run, String name, int type, byte[] insns) {
        int expected = 0;
        int flags = 0;
        int kernVersion = 0;
        int btfId = 0;
        switch (name) {
            case "cgroup_sock_addr": expected = attachType(run, "BPF_CGROUP_INET4_CONNECT"); break;
            case "cgroup_sockopt": expected = attachType(run, "BPF_CGROUP_GETSOCKOPT"); break;
            case "sk_lookup": expected = attachType(run, "BPF_SK_LOOKUP"); break;
            case "lirc_mode2": expected = attachType(run, "BPF_LIRC_MODE2"); break;
            case "netfilter": expected = attachType(run, "BPF_NETFILTER"); break;
            case "kprobe": kernVersion = KernelRelease.running().versionCode(); break;
            case "syscall": flags = ProbeProgram.BPF_F_SLEEPABLE; break;
            case "tracing": expected = attachType(run, "BPF_TRACE_FENTRY"); btfId = 1; break;
            case "lsm": expected = attachType(run, "BPF_LSM_MAC"); btfId = 1; break;
            case "ext": btfId = 1; break;
            default: break;
        }
        return ProbeProgram.load(type, expected, insns, kernVersion, flags, btfId);
    }

    private static int attachType(CapabilityProbes run, String name) {
        return Math.max(0, run.kernel.attachType(name));
    }

    private static Support probe(CapabilityProbes run, String name, int type) {
        ProbeProgram p = loadMinimal(run, name, type, ProbeProgram.Insns.returnZero());
        switch (name) {
            case "tracing":
            case "lsm":
                // attach_btf_id 1 is never a function: a kernel that gets as far as saying so has the type
                if (p.errno() == Errno.EINVAL && p.log().contains("is not a function")) {
                    return Support.supported("probe load reached the attach check: " + p.evidence());
                }
                break;
            case "ext":
                if (p.errno() == Errno.EINVAL && p.log().contains("Cannot replace kernel functions")) {
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
        Support refused = ProbeRefusal.of(run, p, "BPF_PROG_TYPE_" + name.toUpperCase(Locale.ROOT), config(name));
        if (name.equals("tracing") && refused instanceof Support.NotSupported n) {
            // the probe loads as fentry (libbpf's and bpftool's probe does too); tp_btf and iter programs are
            // tracing programs as well, and a kernel may allow those: their attach kinds carry that answer
            return Support.notSupported(n.why(), n.detail() + "; probed as fentry, as bpftool does: tp_btf, iter "
                    + "and the other tracing attach kinds are probed on their own, see attach kinds");
        }
        return refused;
    }

    /** The configuration option a program type needs, where the kernel can be built without it. */
    private static String config(String name) {
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
}
