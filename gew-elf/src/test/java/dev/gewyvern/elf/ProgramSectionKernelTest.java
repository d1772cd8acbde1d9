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

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The numbers in the program-section table and the helper names are the running kernel's own, checked
 * one way: every program type, attach type and helper the kernel's BTF has ({@code enum bpf_prog_type},
 * {@code enum bpf_attach_type}, {@code enum bpf_func_id} of /sys/kernel/btf/vmlinux) must have the
 * kernel's number here; a name newer than the kernel may be here too, with a number past the kernel's
 * last, so it can never stand for something else on this kernel. Under CI=true a kernel without BTF
 * fails this test instead of skipping it.
 */
class ProgramSectionKernelTest {
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

    /** One past the largest number of the enum's real names (its __MAX_ marker, where it has one, left out). */
    private static long end(Map<String, Long> values) {
        long end = 0;
        for (Map.Entry<String, Long> e : values.entrySet()) {
            if (!e.getKey().startsWith("__")) {
                end = Math.max(end, e.getValue() + 1);
            }
        }
        return end;
    }

    /**
     * {@code name} has number {@code ours} here: the kernel's number when the kernel has the name, else a
     * number no name of the kernel's enum has (at or past {@code max}, the enum's __MAX_ value).
     */
    private static void sameOrNewer(Map<String, Long> kernel, long max, String name, long ours, String what) {
        Long theirs = kernel.get(name);
        if (theirs != null) {
            assertEquals(theirs, ours, what + ": " + name + " is the kernel's number");
        } else {
            assertTrue(ours >= max, what + ": " + name + " is newer than this kernel, but its number " + ours
                    + " is one the kernel uses (its enum ends at " + max + ")");
        }
    }

    /** Every helper of the kernel's enum bpf_func_id is named here at its number; newer helpers may follow. */
    @Test
    void helperNamesAreTheKernels() {
        Map<String, Long> funcs = enumValues(vmlinux(), "bpf_func_id");
        long max = end(funcs);
        assertTrue(HelperNames.count() >= max, "the kernel has " + max + " helpers, gew names " + HelperNames.count());
        for (Map.Entry<String, Long> f : funcs.entrySet()) {
            if (f.getKey().startsWith("__")) {
                continue;
            }
            int id = f.getValue().intValue();
            assertEquals(f.getKey(), "BPF_FUNC_" + HelperNames.name(id).substring("bpf_".length()), "helper #" + id);
        }
    }

    @Test
    void numbersAreTheKernels() {
        Btf btf = vmlinux();
        Map<String, Long> progTypes = enumValues(btf, "bpf_prog_type");
        Map<String, Long> attachTypes = enumValues(btf, "bpf_attach_type");
        long maxProg = end(progTypes); // 6.1 has no __MAX_BPF_PROG_TYPE
        long maxAttach = end(attachTypes);
        for (ProgramSection ps : ProgramSection.values()) {
            sameOrNewer(progTypes, maxProg, ps.progTypeName(), ps.progType(), ps.pattern());
            if (ps.attachTypeName().isEmpty()) {
                assertEquals(0, ps.attachType(), ps.pattern());
            } else {
                sameOrNewer(attachTypes, maxAttach, ps.attachTypeName().get(), ps.attachType(), ps.pattern());
            }
        }
    }
}
