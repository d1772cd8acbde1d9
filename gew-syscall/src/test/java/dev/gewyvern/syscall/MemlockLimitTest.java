package dev.gewyvern.syscall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class MemlockLimitTest {
    @Property
    void raisedOnlyWithoutMemcgAccountingAndOnlyWhenCapped(@ForAll boolean memcg, @ForAll long soft) {
        Long d = MemlockLimit.decide(memcg, soft);
        if (memcg || soft == MemlockLimit.UNLIMITED) {
            assertNull(d);
        } else {
            assertEquals(MemlockLimit.UNLIMITED, d);
        }
    }

    @Test
    void theProbesNumbersAreTheKernels() throws java.io.IOException {
        var btf = KernelTestSupport.vmlinux();
        assertEquals(MemlockLimit.KTIME_GET_COARSE_NS,
                AttrLayoutKernelTest.enumValue(btf, "bpf_func_id", "BPF_FUNC_ktime_get_coarse_ns"));
        assertEquals(MemlockLimit.SOCKET_FILTER,
                AttrLayoutKernelTest.enumValue(btf, "bpf_prog_type", "BPF_PROG_TYPE_SOCKET_FILTER"));
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
