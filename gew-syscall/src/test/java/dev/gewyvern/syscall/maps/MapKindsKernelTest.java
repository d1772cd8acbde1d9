package dev.gewyvern.syscall.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;

import dev.gewyvern.syscall.KernelTestSupport;
import dev.gewyvern.syscall.kernel.KernelTypes;
import org.junit.jupiter.api.Test;

/** MapKinds' type numbers are the kernel's enum bpf_map_type, constant by constant. */
class MapKindsKernelTest {
    @Test
    void everyNumberIsTheKernels() throws Exception {
        KernelTestSupport.vmlinux();
        Map<String, Integer> kernel = KernelTypes.running().values("bpf_map_type", "BPF_MAP_TYPE_");
        int checked = 0;
        for (Field f : MapKinds.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                assertEquals(kernel.get(f.getName().toLowerCase(java.util.Locale.ROOT)), f.getInt(null), f.getName());
                checked++;
            }
        }
        assertEquals(18, checked);
    }
}
