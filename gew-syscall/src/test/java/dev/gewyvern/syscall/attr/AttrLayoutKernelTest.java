package dev.gewyvern.syscall.attr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.btf.BtfType;
import dev.gewyvern.syscall.BtfInfo;
import dev.gewyvern.syscall.KernelTestSupport;
import dev.gewyvern.syscall.LinkInfo;
import dev.gewyvern.syscall.MapInfo;
import dev.gewyvern.syscall.ProgInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every struct layout we encode, held against the running kernel's own BTF. */
public class AttrLayoutKernelTest {

    static Stream<AttrLayout> layouts() {
        return Stream.of(MapCreateAttr.LAYOUT, MapElemAttr.LAYOUT, ProgLoadAttr.LAYOUT, ObjPinAttr.LAYOUT,
                BtfLoadAttr.LAYOUT, LinkCreateAttr.LAYOUT, ObjInfoAttr.LAYOUT, GetFdByIdAttr.LAYOUT,
                MapFreezeAttr.LAYOUT, PerfEventAttr.LAYOUT, MapInfo.LAYOUT, ProgInfo.LAYOUT, LinkInfo.LAYOUT,
                BtfInfo.LAYOUT, TokenCreateAttr.LAYOUT, RawTracepointOpenAttr.LAYOUT,
                IterCreateAttr.LAYOUT, NetfilterLinkAttr.LAYOUT, UprobeMultiLinkAttr.LAYOUT, ProgTestRunAttr.LAYOUT,
                TracingLinkAttr.LAYOUT, StructOpsLinkAttr.LAYOUT, KprobeMultiLinkAttr.LAYOUT, MapBatchAttr.LAYOUT,
                BtfNextIdAttr.LAYOUT);
    }

    /** Field name (dotted through named members) to {offset, size}, anonymous members flattened. */
    public static Map<String, int[]> flatten(Btf btf, int typeId) {
        Map<String, int[]> out = new LinkedHashMap<>();
        flatten(btf, typeId, "", 0, out);
        return out;
    }

    private static void flatten(Btf btf, int typeId, String prefix, int base, Map<String, int[]> out) {
        BtfType t = btf.type(btf.resolve(typeId));
        if (!(t instanceof BtfType.Struct s)) {
            return;
        }
        for (BtfType.Member m : s.members()) {
            if (m.bitfieldSize() != 0) {
                continue;
            }
            int off = base + m.bitOffset() / 8;
            BtfType mt = btf.type(btf.resolve(m.type()));
            if (m.name().isEmpty()) {
                flatten(btf, m.type(), prefix, off, out);
            } else {
                out.putIfAbsent(prefix + m.name(), new int[] {off, (int) btf.sizeOf(m.type())});
                if (mt instanceof BtfType.Struct) {
                    flatten(btf, m.type(), prefix + m.name() + ".", off, out);
                }
            }
        }
    }

    /**
     * The kernel's fields for {@code layout}: of its struct, or of the union member it names (for an
     * anonymous member, the one that has the most of our fields). Null when the kernel has no such member
     * at all: a command newer than the kernel.
     */
    private static Map<String, int[]> kernelFields(Btf btf, AttrLayout layout) {
        int id = btf.find(BtfKind.UNION, layout.struct());
        if (id < 0) {
            id = btf.find(BtfKind.STRUCT, layout.struct());
        }
        assertTrue(id > 0, "kernel BTF has no " + layout.struct());
        BtfType.Struct top = (BtfType.Struct) btf.type(id);
        if (!top.union()) {
            return flatten(btf, id);
        }
        Map<String, int[]> best = null;
        long bestCount = 0;
        for (BtfType.Member m : top.members()) {
            boolean candidate = layout.member() == null ? m.name().isEmpty() : layout.member().equals(m.name());
            if (!candidate) {
                continue;
            }
            Map<String, int[]> fields = flatten(btf, m.type());
            long count = layout.fields().stream().filter(f -> fields.containsKey(f.name())).count();
            if (count > bestCount) {
                best = fields;
                bestCount = count;
            }
        }
        return best;
    }

    /**
     * Checked one way: every field the kernel's BTF has is at the kernel's offset with the kernel's size; a
     * field (or a whole command's member) the kernel does not have yet is newer than this kernel, and
     * allowed. On the newest kernel the tests run on, every field is there and so every one is checked.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    public void fieldOffsetsMatchTheKernel(AttrLayout layout) throws IOException {
        Btf btf = KernelTestSupport.vmlinux();
        Map<String, int[]> fields = kernelFields(btf, layout);
        if (fields == null) {
            return; // no member of the union has any of these fields: the command is newer than the kernel
        }
        for (AttrField f : layout.fields()) {
            int[] k = fields.get(f.name());
            if (k == null) {
                continue; // newer than this kernel
            }
            assertEquals(k[0], f.offset(), layout.struct() + "." + f.name() + " offset");
            assertEquals(k[1], f.size(), layout.struct() + "." + f.name() + " size");
        }
    }

    /** Every command the kernel's enum bpf_cmd has is at its number; a newer one comes after the kernel's last. */
    @Test
    void commandNumbersMatchTheKernel() throws IOException {
        Btf btf = KernelTestSupport.vmlinux();
        int id = btf.find(BtfKind.ENUM, "bpf_cmd");
        assertTrue(id > 0, "kernel BTF has no enum bpf_cmd");
        Map<String, Long> values = new LinkedHashMap<>();
        long end = 0;
        for (BtfType.EnumValue v : ((BtfType.Enum) btf.type(id)).values()) {
            values.put(v.name(), v.value());
            if (!v.name().startsWith("__")) {
                end = Math.max(end, v.value() + 1);
            }
        }
        for (BpfCommand c : BpfCommand.values()) {
            Long kernel = values.get(c.name());
            if (kernel != null) {
                assertEquals(kernel, (long) c.number(), c.name());
            } else {
                assertTrue(c.number() >= end, c.name() + " is newer than this kernel but has a number it uses");
            }
        }
    }

    @Test
    void perfNumbersMatchTheKernel() throws IOException {
        Btf btf = KernelTestSupport.vmlinux();
        assertEquals(PerfEventAttr.PERF_TYPE_TRACEPOINT, enumValue(btf, "perf_type_id", "PERF_TYPE_TRACEPOINT"));
        assertEquals(PerfEventAttr.PERF_TYPE_SOFTWARE, enumValue(btf, "perf_type_id", "PERF_TYPE_SOFTWARE"));
    }

    public static long enumValue(Btf btf, String enumName, String value) {
        int id = btf.find(BtfKind.ENUM, enumName);
        assertTrue(id > 0, "kernel BTF has no enum " + enumName);
        List<BtfType.EnumValue> values = ((BtfType.Enum) btf.type(id)).values();
        return values.stream().filter(v -> v.name().equals(value)).findFirst()
                .orElseThrow(() -> new AssertionError(enumName + " has no " + value)).value();
    }
}
