package dev.gewyvern.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import dev.gewyvern.elf.uapi.AttachType;
import dev.gewyvern.elf.uapi.KernelEnum;
import dev.gewyvern.elf.uapi.LinkType;
import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.elf.uapi.ProgType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every number of the uapi enums is the running kernel's own, checked one way: each constant the kernel's
 * BTF has ({@code enum bpf_prog_type}, {@code bpf_attach_type}, {@code bpf_map_type}, {@code bpf_link_type}
 * in /sys/kernel/btf/vmlinux) has the kernel's number here, and each number the kernel names is ours under
 * the same name. A name newer than the kernel (6.1 lacks many of 6.18's) may be here, with a number past
 * the kernel's last, so it can never stand for something else on this kernel; a name the kernel has and we
 * lack is allowed (a kernel newer than the list: KernelTypes names it). Under CI=true a kernel without BTF
 * fails this test instead of skipping it.
 */
class UapiEnumsKernelTest {
    private static List<? extends KernelEnum> ours(String enumName) {
        return switch (enumName) {
            case "bpf_prog_type" -> List.of(ProgType.values());
            case "bpf_attach_type" -> List.of(AttachType.values());
            case "bpf_map_type" -> List.of(MapType.values());
            case "bpf_link_type" -> List.of(LinkType.values());
            default -> throw new IllegalArgumentException(enumName);
        };
    }

    @ParameterizedTest(name = "enum {0}")
    @ValueSource(strings = {"bpf_prog_type", "bpf_attach_type", "bpf_map_type", "bpf_link_type"})
    void numbersAreTheKernels(String enumName) {
        Map<String, Long> kernel = ProgramSectionKernelTest.enumValues(ProgramSectionKernelTest.vmlinux(), enumName);
        long end = ProgramSectionKernelTest.end(kernel); // 6.1 has no __MAX_BPF_PROG_TYPE, but MAX_BPF_LINK_TYPE
        List<? extends KernelEnum> ours = ours(enumName);
        for (KernelEnum t : ours) {
            Long k = kernel.get(t.constant());
            if (k == null) {
                assertTrue(t.value() >= end, t.constant() + " is newer than this kernel, but its number " + t.value()
                        + " is one the kernel uses (its enum ends at " + end + ")");
            } else {
                assertEquals(k, (long) t.value(), t.constant() + " is the kernel's number");
            }
        }
        for (Map.Entry<String, Long> e : kernel.entrySet()) {
            if (ProgramSectionKernelTest.marker(e.getKey()) || e.getKey().endsWith("_DEPRECATED")) {
                continue;
            }
            ours.stream().filter(t -> t.value() == e.getValue()).findFirst().ifPresent(t -> assertEquals(
                    e.getKey(), t.constant(), "the kernel's number " + e.getValue() + " of " + enumName));
        }
    }

    @ParameterizedTest(name = "enum {0}")
    @ValueSource(strings = {"bpf_prog_type", "bpf_attach_type", "bpf_map_type", "bpf_link_type"})
    void namesAndTextsFindTheirConstant(String enumName) {
        for (KernelEnum t : ours(enumName)) {
            KernelEnum byName = switch (enumName) {
                case "bpf_prog_type" -> ProgType.named(t.constant()).orElseThrow();
                case "bpf_attach_type" -> AttachType.named(t.text()).orElseThrow();
                case "bpf_map_type" -> MapType.of(t.value()).orElseThrow();
                default -> LinkType.named(t.text()).orElseThrow();
            };
            assertEquals(t, byName);
        }
    }
}
