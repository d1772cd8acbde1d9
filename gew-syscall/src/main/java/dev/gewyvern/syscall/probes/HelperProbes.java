package dev.gewyvern.syscall.probes;

import java.util.Map;
import java.util.Set;

import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.kernel.KernelConfig;
import dev.gewyvern.syscall.kernel.KernelTypes;

/**
 * Helpers per program type: a program of the type that calls the helper and exits, loaded the way libbpf's
 * {@code libbpf_probe_bpf_helper} does, also reading the message newer verifiers give ("program of this type
 * cannot use helper"). A program type that is not supported answers for all its helpers; every pair of a
 * kernel is thousands of loads, so the full set is probed only when asked for, and a single pair on demand.
 */
final class HelperProbes {
    /** Probing these writes a warning to the kernel log (bpftool skips them unless asked for "full"). */
    static final Set<String> NOISY = Set.of("trace_printk", "trace_vprintk", "probe_write_user");
    /** Program types a minimal program cannot probe helpers for (libbpf returns EOPNOTSUPP for them too). */
    static final Set<String> NO_PROBE_TYPES = Set.of("tracing", "ext", "lsm", "struct_ops");
    static final String NO_PROBE = "helpers of this program type need a real attach target to probe; not probed";

    private HelperProbes() {
    }

    /** Every helper for every program type of this run. */
    static void probe(CapabilityProbes run) {
        Map<String, Integer> helpers = run.kernel.helpers();
        for (Map.Entry<String, Integer> t : run.kernel.programTypes().entrySet()) {
            String type = t.getKey();
            if (!run.probed(type)) {
                continue;
            }
            Support ts = run.programType(type);
            if (!ts.isSupported()) {
                // no helper can be used where the program type cannot: the type's own answer stands for all
                run.add(Capability.Category.HELPER, type, "*", ts);
                continue;
            }
            if (NO_PROBE_TYPES.contains(type)) {
                run.add(Capability.Category.HELPER, type, "*", Support.inconclusive(NO_PROBE));
                continue;
            }
            for (Map.Entry<String, Integer> h : helpers.entrySet()) {
                run.add(Capability.Category.HELPER, type, h.getKey(),
                        probe(run, type, t.getValue(), h.getKey(), h.getValue()));
            }
        }
    }

    /**
     * One helper for one program type, probed on its own (for a caller that did not probe every pair):
     * {@code typeSupport} is the program type's own answer, which stands for every helper when negative.
     */
    static Support one(KernelTypes kernel, Support typeSupport, String type, String helper) {
        if (!typeSupport.isSupported()) {
            return typeSupport;
        }
        if (NO_PROBE_TYPES.contains(type)) {
            return Support.inconclusive(NO_PROBE);
        }
        Integer typeNumber = kernel.programTypes().get(type);
        Integer id = helper.startsWith("helper#") ? Integer.valueOf(helper.substring("helper#".length()))
                : kernel.helpers().get(helper);
        if (typeNumber == null || id == null) {
            return Support.notSupported(Support.Why.ABSENT, "no " + (typeNumber == null ? "BPF_PROG_TYPE_" + type
                    : "BPF_FUNC_" + helper) + " in this kernel's BTF");
        }
        return probe(new CapabilityProbes(kernel, KernelConfig.running()), type, typeNumber, helper, id);
    }

    /** One helper for one program type of this run, by name; absent when the kernel's BTF lacks either. */
    static Support probe(CapabilityProbes run, String type, String helper) {
        Integer typeNumber = run.kernel.programTypes().get(type);
        Integer id = run.kernel.helpers().get(helper);
        if (typeNumber == null || id == null) {
            return Support.notSupported(Support.Why.ABSENT, "the kernel's BTF has no helper " + helper);
        }
        return probe(run, type, typeNumber, helper, id);
    }

    private static Support probe(CapabilityProbes run, String type, int typeNumber, String name, int id) {
        if (NOISY.contains(name)) {
            return Support.inconclusive("not probed: loading it writes a warning to the kernel log");
        }
        ProbeProgram p = ProgramTypeProbes.loadMinimal(run, type, typeNumber, ProbeProgram.Insns.callHelper(id));
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
}
