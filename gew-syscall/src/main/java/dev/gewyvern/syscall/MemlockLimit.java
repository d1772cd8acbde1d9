package dev.gewyvern.syscall;

import dev.gewyvern.elf.uapi.ProgType;
import dev.gewyvern.syscall.probes.ProbeProgram;

/**
 * RLIMIT_MEMLOCK, raised only where it matters, as libbpf does: kernels before 5.11 charge BPF maps and
 * programs to it, newer ones to the memory cgroup. One throwaway probe decides (a socket filter calling
 * bpf_ktime_get_coarse_ns, a helper that arrived with memcg accounting), once per process.
 */
public final class MemlockLimit {
    /** BPF_FUNC_ktime_get_coarse_ns of enum bpf_func_id (uapi, never renumbered; a test holds it to the BTF). */
    static final int KTIME_GET_COARSE_NS = 160;
    /** RLIM_INFINITY. */
    static final long UNLIMITED = -1L;

    private static volatile String decision;

    private MemlockLimit() {
    }

    /** What to do given the probe's answer and the current soft limit: null to leave it, else the new limit. */
    static Long decide(boolean memcgAccounting, long currentSoft) {
        if (memcgAccounting || currentSoft == UNLIMITED) {
            return null;
        }
        return UNLIMITED;
    }

    /** Forgets the decision, so that the next {@link #ensure} decides again (tests of the decision). */
    static synchronized void forget() {
        decision = null;
    }

    /** Makes sure BPF memory is not capped by RLIMIT_MEMLOCK; returns what was decided, for the record. */
    public static synchronized String ensure() {
        if (decision != null) {
            return decision;
        }
        if (DryRun.recording()) {
            // a dry run's probe would load nothing and get a placeholder fd: decide on the first real call
            return "not decided in a dry run";
        }
        // no kernel BTF is parsed here: this runs before the first map of every session
        boolean memcg = ProbeProgram.load(ProgType.SOCKET_FILTER.value(), 0, ProbeProgram.Insns.callHelper(KTIME_GET_COARSE_NS), 0, 0,
                0).loaded();
        long[] limit = Kernel.get().memlockLimit();
        Long raise = decide(memcg, limit[0]);
        if (raise == null) {
            decision = memcg ? "left alone: this kernel accounts BPF memory to the memory cgroup"
                    : "left alone: already unlimited";
        } else {
            try {
                Kernel.get().setMemlockLimit(raise, raise);
                decision = "raised from " + limit[0] + " bytes to unlimited: this kernel charges BPF memory to it";
            } catch (BpfException e) {
                // the bpf(2) call that follows fails with its own error (EPERM or ENOMEM) if this mattered
                decision = "could not be raised from " + limit[0] + " bytes: " + e.getMessage();
            }
        }
        return decision;
    }
}
