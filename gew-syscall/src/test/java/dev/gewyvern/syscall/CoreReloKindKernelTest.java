package dev.gewyvern.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Locale;
import java.util.Map;

import dev.gewyvern.btf.CoreReloKind;
import dev.gewyvern.syscall.kernel.KernelTypes;
import org.junit.jupiter.api.Test;

/** gew-btf's CO-RE relocation kinds are the running kernel's {@code enum bpf_core_relo_kind}, number for number. */
class CoreReloKindKernelTest {
    @Test
    void everyKindHasTheKernelsNumberAndTheKernelHasNoOther() {
        Map<String, Integer> kernel = KernelTypes.running().values("bpf_core_relo_kind", "BPF_CORE_");
        assertFalse(kernel.isEmpty(), "the kernel's BTF has no enum bpf_core_relo_kind");
        for (CoreReloKind k : CoreReloKind.values()) {
            assertEquals(kernel.get(k.name().toLowerCase(Locale.ROOT)), k.number(), k.constant());
        }
        assertEquals(CoreReloKind.values().length, kernel.size(), "kernel kinds: " + kernel.keySet());
    }
}
