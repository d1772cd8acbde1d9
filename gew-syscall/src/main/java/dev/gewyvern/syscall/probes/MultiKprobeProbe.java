package dev.gewyvern.syscall.probes;

import java.util.List;

import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.Kernel;
import dev.gewyvern.syscall.attr.KprobeMultiLinkAttr;

/**
 * kprobe.multi, kretprobe.multi and kprobe.session, asked of the kernel itself: a kprobe program loaded with
 * the kind's attach type, then BPF_LINK_CREATE with its flags on {@link #NO_SUCH_FUNCTION}. A kernel that
 * takes the attach type and the flags goes on to look the function up and answers ESRCH (ENOENT on some
 * versions): supported, and nothing was attached. EOPNOTSUPP is a kernel built without fprobe
 * (CONFIG_FPROBE); EINVAL a kernel that does not know the link or the flag. Neither the kprobe PMU nor a
 * constant in the kernel's BTF decides it (BPF_F_KPROBE_MULTI_RETURN was a #define before it was an enum).
 */
final class MultiKprobeProbe {
    /** A function name no kernel has: a multi-kprobe link on it gets as far as the symbol lookup and no further. */
    static final String NO_SUCH_FUNCTION = "gew_probe_no_such_function";

    private MultiKprobeProbe() {
    }

    /** The kind {@code kind} (its name, for the evidence) of attach type {@code attachType} and link flags. */
    static Support probe(CapabilityProbes run, String attachType, int flags, String kind) {
        Support p = run.programType("kprobe");
        if (!p.isSupported()) {
            return p;
        }
        if (!run.kernel.linkTypes().containsKey("kprobe_multi")) {
            return Support.notSupported(Support.Why.ABSENT, "no BPF_LINK_TYPE_KPROBE_MULTI in the kernel's BTF: this "
                    + "kernel has no multi-kprobe link");
        }
        int type = run.kernel.attachType(attachType);
        if (type < 0) {
            return Support.notSupported(Support.Why.ABSENT, "no " + attachType + " in the kernel's BTF");
        }
        Kernel.Result r;
        try (Fd prog = ProbeProgram.loadKept(run.kernel.programTypes().get("kprobe"), type,
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
            case Errno.EOPNOTSUPP -> Support.notSupported(Support.Why.CONFIG_MISSING, (run.configOff("CONFIG_FPROBE")
                    ? "CONFIG_FPROBE off" : run.configText("CONFIG_FPROBE")) + ": " + call + " got EOPNOTSUPP, the "
                    + "kernel has no fprobe for multi-kprobe links");
            case Errno.EINVAL -> Support.notSupported(Support.Why.ABSENT, call + " got EINVAL: this kernel does not "
                    + "take " + attachType + (flags == 0 ? "" : " with flags " + flags) + " links");
            case Errno.EPERM -> Support.notSupported(Support.Why.REFUSED_BY_POLICY, call + " as root got EPERM");
            default -> Support.inconclusive(call + " got " + Errno.name(r.errno()));
        };
    }
}
