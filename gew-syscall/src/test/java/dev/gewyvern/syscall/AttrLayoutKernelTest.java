package dev.gewyvern.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.btf.BtfType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every struct layout we encode, held against the running kernel's own BTF. */
class AttrLayoutKernelTest {

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
    static Map<String, int[]> flatten(Btf btf, int typeId) {
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
        for (BtfType.Member m : top.members()) {
            boolean candidate = layout.member() == null ? m.name().isEmpty() : layout.member().equals(m.name());
            if (!candidate) {
                continue;
            }
            Map<String, int[]> fields = flatten(btf, m.type());
            if (layout.fields().stream().allMatch(f -> fields.containsKey(f.name()))) {
                return fields;
            }
        }
        fail("no member of union " + layout.struct() + " has all of " + layout.fields());
        return null;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void fieldOffsetsMatchTheKernel(AttrLayout layout) throws IOException {
        Btf btf = KernelTestSupport.vmlinux();
        Map<String, int[]> fields = kernelFields(btf, layout);
        for (AttrField f : layout.fields()) {
            int[] k = fields.get(f.name());
            assertNotNull(k, layout.struct() + " has no field " + f.name());
            assertEquals(k[0], f.offset(), layout.struct() + "." + f.name() + " offset");
            assertEquals(k[1], f.size(), layout.struct() + "." + f.name() + " size");
        }
    }

    @Test
    void commandNumbersMatchTheKernel() throws IOException {
        Btf btf = KernelTestSupport.vmlinux();
        int id = btf.find(BtfKind.ENUM, "bpf_cmd");
        assertTrue(id > 0, "kernel BTF has no enum bpf_cmd");
        Map<String, Long> values = new LinkedHashMap<>();
        for (BtfType.EnumValue v : ((BtfType.Enum) btf.type(id)).values()) {
            values.put(v.name(), v.value());
        }
        for (BpfCommand c : BpfCommand.values()) {
            assertEquals(values.get(c.name()), (long) c.number(), c.name());
        }
    }

    @Test
    void perfNumbersMatchTheKernel() throws IOException {
        Btf btf = KernelTestSupport.vmlinux();
        assertEquals(PerfEventAttr.PERF_TYPE_TRACEPOINT, enumValue(btf, "perf_type_id", "PERF_TYPE_TRACEPOINT"));
        assertEquals(PerfEventAttr.PERF_TYPE_SOFTWARE, enumValue(btf, "perf_type_id", "PERF_TYPE_SOFTWARE"));
    }

    static long enumValue(Btf btf, String enumName, String value) {
        int id = btf.find(BtfKind.ENUM, enumName);
        assertTrue(id > 0, "kernel BTF has no enum " + enumName);
        List<BtfType.EnumValue> values = ((BtfType.Enum) btf.type(id)).values();
        return values.stream().filter(v -> v.name().equals(value)).findFirst()
                .orElseThrow(() -> new AssertionError(enumName + " has no " + value)).value();
    }
}
