package dev.gewyvern.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.btf.BtfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The numbers in the program-section table are the running kernel's own: every program type and
 * attach type name is looked up in {@code enum bpf_prog_type} / {@code enum bpf_attach_type} of
 * /sys/kernel/btf/vmlinux. Under CI=true a kernel without BTF fails this test instead of skipping it.
 */
class ProgramSectionKernelTest {
    /**
     * Attach types libbpf already names that this test kernel (6.18) does not have yet. Their numbers
     * come from libbpf's copy of the uapi header (they follow BPF_TRACE_UPROBE_SESSION = 57); the test
     * checks that they are exactly the values after the kernel's last one, so a kernel that gains them
     * with other numbers fails here.
     */
    private static final Map<String, Integer> NEWER_THAN_KERNEL = Map.of("BPF_TRACE_FSESSION", 58,
            "BPF_TRACE_FENTRY_MULTI", 59, "BPF_TRACE_FEXIT_MULTI", 60, "BPF_TRACE_FSESSION_MULTI", 61);

    private static Btf vmlinux() {
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

    private static Map<String, Long> enumValues(Btf btf, String name) {
        int id = btf.find(BtfKind.ENUM, name);
        assertTrue(id > 0, "the kernel's BTF has no enum " + name);
        Map<String, Long> out = new HashMap<>();
        for (BtfType.EnumValue v : ((BtfType.Enum) btf.type(id)).values()) {
            out.put(v.name(), v.value());
        }
        return out;
    }

    /** The helper names the disassembler prints and helpers() reports are the kernel's enum bpf_func_id. */
    @Test
    void helperNamesAreTheKernels() {
        Map<String, Long> funcs = enumValues(vmlinux(), "bpf_func_id");
        funcs.remove("__BPF_FUNC_MAX_ID");
        assertEquals(funcs.size(), HelperNames.count(), "as many helpers as the kernel has");
        for (int id = 0; id < HelperNames.count(); id++) {
            String name = "BPF_FUNC_" + HelperNames.name(id).substring("bpf_".length());
            assertEquals((long) id, funcs.get(name), name);
        }
    }

    @Test
    void numbersAreTheKernels() {
        Btf btf = vmlinux();
        Map<String, Long> progTypes = enumValues(btf, "bpf_prog_type");
        Map<String, Long> attachTypes = enumValues(btf, "bpf_attach_type");
        long maxAttach = attachTypes.get("__MAX_BPF_ATTACH_TYPE");
        for (ProgramSection ps : ProgramSection.values()) {
            Long pt = progTypes.get(ps.progTypeName());
            assertTrue(pt != null, ps.pattern() + ": the kernel has no " + ps.progTypeName());
            assertEquals(pt, (long) ps.progType(), ps.pattern() + ": " + ps.progTypeName());
            if (ps.attachTypeName().isEmpty()) {
                assertEquals(0, ps.attachType(), ps.pattern());
                continue;
            }
            String at = ps.attachTypeName().get();
            Long kernel = attachTypes.get(at);
            if (kernel == null) {
                Integer newer = NEWER_THAN_KERNEL.get(at);
                assertTrue(newer != null, ps.pattern() + ": the kernel has no " + at + " and the test does not list it");
                assertEquals((long) newer, (long) ps.attachType(), ps.pattern() + ": " + at);
                assertTrue(ps.attachType() >= maxAttach, at + " would collide with a kernel attach type");
            } else {
                assertEquals(kernel, (long) ps.attachType(), ps.pattern() + ": " + at);
            }
        }
        // the names the kernel lacks sit right after its last attach type, in libbpf's order
        for (String n : Set.of("BPF_TRACE_FSESSION")) {
            if (!attachTypes.containsKey(n)) {
                assertEquals(maxAttach, (long) NEWER_THAN_KERNEL.get(n), n + " follows the kernel's last attach type");
            }
        }
    }
}
