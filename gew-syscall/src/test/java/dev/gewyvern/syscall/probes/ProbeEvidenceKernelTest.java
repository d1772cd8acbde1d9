package dev.gewyvern.syscall.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gewyvern.syscall.KernelTestSupport;
import dev.gewyvern.syscall.VerifierLog;
import org.junit.jupiter.api.Test;

/**
 * A probe's evidence is the verifier's reason, whatever words it uses: the last line of the log before the
 * statistics, never the statistics line itself.
 */
class ProbeEvidenceKernelTest {
    private static final int SOCKET_FILTER = 1;

    @Test
    void aRefusalsEvidenceIsTheVerifiersReasonNotItsStatistics() {
        KernelTestSupport.requireBpf();
        // exit without setting r0: the verifier's reason names no helper, function or attach target
        ProbeProgram p = ProbeProgram.load(SOCKET_FILTER, 0, new ProbeProgram.Insns().insn(0x95, 0, 0, 0, 0).bytes(),
                0, 0, 0);
        assertFalse(p.loaded());
        assertTrue(p.log().contains("processed "), "the log ends with statistics: " + p.log());
        String reason = VerifierLog.reason(p.log());
        assertTrue(reason.contains("R0 !read_ok"), reason);
        assertEquals("EACCES, log: " + reason, p.evidence());
    }

    /** The reason picker on logs as kernels write them (6.1's fmod_ret refusal, a level-2 trace, no log). */
    @Test
    void theReasonIsTheLastLineThatIsNotStatistics() {
        assertEquals("bpf_modify_return_test() is not modifiable", VerifierLog.reason(
                "bpf_modify_return_test() is not modifiable\nprocessed 0 insns (limit 1000000) max_states_per_insn 0 "
                        + "total_states 0 peak_states 0 mark_read 0\n"));
        assertEquals("invalid func unknown#212", VerifierLog.reason("0: R1=ctx() R10=fp0\n0: (85) call unknown#212\n"
                + "invalid func unknown#212\nprocessed 1 insns (limit 1000000) max_states_per_insn 0 total_states 0 "
                + "peak_states 0 mark_read 0\nverification time 12 usec\nstack depth 0\n"));
        assertEquals("", VerifierLog.reason(""));
    }
}
