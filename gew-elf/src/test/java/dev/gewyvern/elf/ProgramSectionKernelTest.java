package dev.gewyvern.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.btf.BtfType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The helper names are the running kernel's own, checked one way: every helper of its {@code enum
 * bpf_func_id} (/sys/kernel/btf/vmlinux) is named here at the kernel's number; newer helpers may follow.
 * The section table's program and attach types are uapi enums, which UapiEnumsKernelTest holds against the
 * kernel the same way. Under CI=true a kernel without BTF fails this test instead of skipping it.
 */
class ProgramSectionKernelTest {
    static Btf vmlinux() {
        Path p = Path.of("/sys/kernel/btf/vmlinux");
        try {
            return Btf.parse(Files.readAllBytes(p));
        } catch (IOException e) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true but the kernel's BTF is not readable at " + p + ": " + e);
            }
            Assumptions.abort("no kernel BTF at " + p + ": " + e);
            return null;
        }
    }

    static Map<String, Long> enumValues(Btf btf, String name) {
        int id = btf.find(BtfKind.ENUM, name);
        assertTrue(id > 0, "the kernel's BTF has no enum " + name);
        Map<String, Long> out = new HashMap<>();
        for (BtfType.EnumValue v : ((BtfType.Enum) btf.type(id)).values()) {
            out.put(v.name(), v.value());
        }
        return out;
    }

    /**
     * Whether an enumerator is the enum's end marker rather than a name: {@code __MAX_BPF_ATTACH_TYPE}, and
     * {@code MAX_BPF_LINK_TYPE}, which 6.1's enum bpf_link_type still has as an enumerator (later kernels
     * made it {@code __MAX_BPF_LINK_TYPE} and a #define).
     */
    static boolean marker(String name) {
        return name.startsWith("__") || name.startsWith("MAX_");
    }

    /** One past the largest number of the enum's real names (its end marker, where it has one, left out). */
    static long end(Map<String, Long> values) {
        long end = 0;
        for (Map.Entry<String, Long> e : values.entrySet()) {
            if (!marker(e.getKey())) {
                end = Math.max(end, e.getValue() + 1);
            }
        }
        return end;
    }

    /** Every helper of the kernel's enum bpf_func_id is named here at its number; newer helpers may follow. */
    @Test
    void helperNamesAreTheKernels() {
        Map<String, Long> funcs = enumValues(vmlinux(), "bpf_func_id");
        long max = end(funcs);
        assertTrue(HelperNames.count() >= max, "the kernel has " + max + " helpers, gew names " + HelperNames.count());
        for (Map.Entry<String, Long> f : funcs.entrySet()) {
            if (marker(f.getKey())) {
                continue;
            }
            int id = f.getValue().intValue();
            assertEquals(f.getKey(), "BPF_FUNC_" + HelperNames.name(id).substring("bpf_".length()), "helper #" + id);
        }
    }
}
