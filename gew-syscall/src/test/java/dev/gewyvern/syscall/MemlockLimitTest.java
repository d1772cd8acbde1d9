package dev.gewyvern.syscall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gewyvern.syscall.attr.AttrLayoutKernelTest;
import dev.gewyvern.syscall.probes.Capabilities;
import dev.gewyvern.syscall.probes.Capability;
import org.junit.jupiter.api.Test;

class MemlockLimitTest {
    @Test
    void raisedOnlyWithoutMemcgAccountingAndOnlyWhenCapped() {
        assertNull(MemlockLimit.decide(true, 64 * 1024), "memcg accounting: the limit does not matter");
        assertNull(MemlockLimit.decide(false, MemlockLimit.UNLIMITED), "already unlimited");
        assertEquals(MemlockLimit.UNLIMITED, MemlockLimit.decide(false, 8L * 1024 * 1024));
        assertEquals(MemlockLimit.UNLIMITED, MemlockLimit.decide(false, 0));
    }

    /** A dry run's probe makes no kernel call, so it must not settle the process's decision. */
    @Test
    void aDryRunDecidesNothing() {
        KernelTestSupport.requireBpf();
        MemlockLimit.forget();
        java.util.List<String> calls = DryRun.record(MemlockLimit::ensure);
        String decision = MemlockLimit.ensure();
        assertTrue(!decision.equals("not decided in a dry run"), decision);
        assertTrue(calls.stream().noneMatch(c -> c.contains("gew_probe")), calls.toString());
    }

    @Test
    void theProbesHelperNumberIsTheKernels() throws java.io.IOException {
        var btf = KernelTestSupport.vmlinux();
        assertEquals(MemlockLimit.KTIME_GET_COARSE_NS,
                AttrLayoutKernelTest.enumValue(btf, "bpf_func_id", "BPF_FUNC_ktime_get_coarse_ns"));
    }

    /** On a kernel with memcg accounting (5.11+), the limit is left exactly as it was. */
    @Test
    void aMemcgKernelKeepsTheLimit() {
        KernelTestSupport.requireBpf();
        long[] before = Kernel.get().memlockLimit();
        String decision = MemlockLimit.ensure();
        if (Capabilities.running().support(Capability.Category.FEATURE, "memcg_accounting").isSupported()) {
            assertTrue(decision.startsWith("left alone: this kernel accounts BPF memory"), decision);
            assertArrayEquals(before, Kernel.get().memlockLimit());
        } else {
            assertEquals(MemlockLimit.UNLIMITED, Kernel.get().memlockLimit()[0], decision);
        }
    }
}
