package dev.gewyvern.syscall.probes;

import dev.gewyvern.syscall.Errno;

/**
 * A probe load the kernel refused, classified: refused by policy (EPERM for root), config missing (EINVAL where
 * the kernel's configuration has the option the probed thing needs off), absent (EINVAL with no verifier log:
 * the kernel refused before verifying), else inconclusive with the errno and the verifier's reason.
 */
final class ProbeRefusal {
    private ProbeRefusal() {
    }

    /** {@code what} names the probed thing in the evidence; {@code option} is its CONFIG_* option or null. */
    static Support of(CapabilityProbes run, ProbeProgram p, String what, String option) {
        if (p.loaded()) {
            return Support.inconclusive(what + " loaded where the probe expected a specific error");
        }
        if (p.errno() == Errno.EPERM) {
            return Support.notSupported(Support.Why.REFUSED_BY_POLICY, what + ": BPF_PROG_LOAD as root got "
                    + p.evidence());
        }
        if (p.errno() == Errno.EINVAL && option != null && run.configOff(option)) {
            return Support.notSupported(Support.Why.CONFIG_MISSING, what + ": " + Errno.name(p.errno()) + "; "
                    + run.configText(option));
        }
        if (p.errno() == Errno.EINVAL && p.log().isEmpty()) {
            return Support.notSupported(Support.Why.ABSENT, what + ": the kernel knows the name but refuses the type "
                    + "(EINVAL, no verifier log)" + (option == null ? "" : "; " + run.configText(option)));
        }
        return Support.inconclusive(what + ": " + p.evidence());
    }
}
