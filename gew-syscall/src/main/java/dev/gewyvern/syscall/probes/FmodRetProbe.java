package dev.gewyvern.syscall.probes;

import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.VerifierLog;

/**
 * fmod_ret takes two classes of target, and the verifier checks which at load: functions on the kernel's
 * error-injection list (ALLOW_ERROR_INJECTION; a kernel without CONFIG_FUNCTION_ERROR_INJECTION has no list at
 * all) and security_* functions (the LSM hooks, always). Each class is probed with a target of its own, so that
 * one answer does not stand for the other: {@link #ERROR_INJECTION_TARGET} for attach kind fmod_ret,
 * {@link #SECURITY_TARGET} for fmod_ret.security. A refusal is reported in the verifier's own words.
 */
final class FmodRetProbe {
    /** An error-injection function every kernel with BPF has, made for this test by the kernel itself. */
    static final String ERROR_INJECTION_TARGET = "bpf_modify_return_test";
    /** A security hook every kernel with BPF has. */
    static final String SECURITY_TARGET = "security_file_open";

    private FmodRetProbe() {
    }

    static Support probe(CapabilityProbes run, boolean errorInjection) {
        String target = errorInjection ? ERROR_INJECTION_TARGET : SECURITY_TARGET;
        Support tracing = run.kernel.programTypes().containsKey("tracing") ? Support.supported("")
                : run.programType("tracing");
        if (!tracing.isSupported()) {
            return tracing;
        }
        int btfId = run.kernel.function(target);
        if (btfId <= 0) {
            return Support.inconclusive("the kernel's BTF has no " + target + " to probe against");
        }
        int expected = run.kernel.attachType("BPF_MODIFY_RETURN");
        if (expected < 0) {
            return Support.notSupported(Support.Why.ABSENT, "no BPF_MODIFY_RETURN in the kernel's BTF");
        }
        ProbeProgram p = ProbeProgram.load(run.kernel.programTypes().get("tracing"), expected,
                ProbeProgram.Insns.returnZero(), 0, 0, btfId);
        String what = errorInjection ? "error-injection functions (the kernel's error-injection list)"
                : "security_* functions (LSM hooks)";
        if (p.loaded()) {
            return Support.supported("probe program loaded against " + target + ": fmod_ret takes " + what);
        }
        String reason = VerifierLog.reason(p.log());
        if (p.errno() == Errno.EINVAL && reason.endsWith("is not modifiable")) {
            if (errorInjection) {
                String option = "CONFIG_FUNCTION_ERROR_INJECTION";
                return Support.notSupported(Support.Why.CONFIG_MISSING, "the verifier said '" + reason + "': "
                        + (run.configOff(option) ? option + " off" : run.configText(option)) + ", so no function is "
                        + "on the error-injection list; security_* functions are still fmod_ret targets "
                        + "(fmod_ret.security)");
            }
            return Support.notSupported(Support.Why.ABSENT, "the verifier said '" + reason + "': this kernel does not "
                    + "let fmod_ret modify security_* functions");
        }
        return ProbeRefusal.of(run, p, "BPF_MODIFY_RETURN against " + target, null);
    }
}
