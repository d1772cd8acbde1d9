package dev.gewyvern.syscall.attr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.gewyvern.syscall.BpfException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * The encoders of issue #6's tracing part (tracing and struct_ops links, kprobe.multi links, kprobe events)
 * put every value at its field's offset (the offsets themselves are held against the kernel's BTF by
 * AttrLayoutKernelTest), and nothing anywhere else.
 */
class TracingAttrEncodingTest {
    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
    }

    /** Every byte outside {@code [from, to)} ranges is zero. */
    private static void zeroOutside(byte[] b, int... ranges) {
        for (int i = 0; i < b.length; i++) {
            boolean inside = false;
            for (int r = 0; r < ranges.length; r += 2) {
                inside |= i >= ranges[r] && i < ranges[r + 1];
            }
            if (!inside) {
                assertEquals(0, b[i], "byte " + i);
            }
        }
    }

    @Property(tries = 200)
    void tracingLinkFieldsLandAtTheirOffsets(@ForAll int prog, @ForAll int target, @ForAll int type,
                                             @ForAll int btfId, @ForAll long cookie) {
        byte[] bytes = new TracingLinkAttr(prog, target, type, btfId, cookie).encode(new AttrEncodingTest.FakeSpace());
        ByteBuffer b = le(bytes);
        assertEquals(prog, b.getInt(0));
        assertEquals(target, b.getInt(4));
        assertEquals(type, b.getInt(8));
        assertEquals(0, b.getInt(12), "flags");
        assertEquals(btfId, b.getInt(16));
        assertEquals(cookie, b.getLong(24));
        assertEquals(32, bytes.length);
        zeroOutside(bytes, 0, 12, 16, 20, 24, 32);
    }

    @Property(tries = 100)
    void structOpsLinkNamesTheMapAndNothingElse(@ForAll int map, @ForAll int type) {
        byte[] bytes = new StructOpsLinkAttr(map, type).encode(new AttrEncodingTest.FakeSpace());
        assertEquals(map, le(bytes).getInt(0));
        assertEquals(type, le(bytes).getInt(8));
        zeroOutside(bytes, 0, 4, 8, 12);
    }

    @Property(tries = 100)
    void kprobeMultiPointsAtOneStringPointerPerFunction(
            @ForAll @Size(min = 1, max = 20) List<@AlphaChars @StringLength(min = 1, max = 40) String> names,
            @ForAll @IntRange(min = 0, max = 1) int flags) {
        AttrEncodingTest.FakeSpace space = new AttrEncodingTest.FakeSpace();
        KprobeMultiLinkAttr a = new KprobeMultiLinkAttr(7, 42, flags, names);
        byte[] bytes = a.encode(space);
        ByteBuffer b = le(bytes);
        assertEquals(7, b.getInt(0));
        assertEquals(42, b.getInt(8));
        assertEquals(flags, b.getInt(16));
        assertEquals(names.size(), b.getInt(20));
        assertEquals(0L, b.getLong(32), "addrs: the kernel resolves the names");
        assertEquals(0L, b.getLong(40), "cookies");
        // syms: the address of an array whose every slot is the address of its name, NUL-terminated
        NativeArg syms = space.addresses.entrySet().stream().filter(e -> e.getValue() == b.getLong(24))
                .findFirst().orElseThrow().getKey();
        assertEquals(names.size() * 8, syms.size());
        ByteBuffer array = le(((NativeArg.Struct) syms).encode(space));
        for (int i = 0; i < names.size(); i++) {
            long address = array.getLong(i * 8);
            NativeArg name = space.addresses.entrySet().stream().filter(e -> e.getValue() == address).findFirst()
                    .orElseThrow().getKey();
            byte[] text = ((NativeArg.In) name).bytes();
            assertEquals(names.get(i), new String(text, 0, text.length - 1, StandardCharsets.UTF_8));
            assertEquals(0, text[text.length - 1]);
        }
    }

    @Test
    void kprobeMultiNeedsAFunction() {
        assertThrows(IllegalArgumentException.class, () -> new KprobeMultiLinkAttr(1, 42, 0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new KprobeMultiLinkAttr(1, 42, 0, List.of("a", "b"),
                new long[] {1}));
    }

    @Property(tries = 100)
    void kprobeMultiCookiesAreOneU64PerFunctionInTheirOrder(
            @ForAll @Size(min = 1, max = 20) List<@AlphaChars @StringLength(min = 1, max = 40) String> names,
            @ForAll long seed) {
        long[] cookies = new java.util.Random(seed).longs(names.size()).toArray();
        AttrEncodingTest.FakeSpace space = new AttrEncodingTest.FakeSpace();
        ByteBuffer b = le(new KprobeMultiLinkAttr(7, 42, 0, names, cookies).encode(space));
        assertEquals(names.size(), b.getInt(20));
        NativeArg array = space.addresses.entrySet().stream().filter(e -> e.getValue() == b.getLong(40))
                .findFirst().orElseThrow().getKey();
        ByteBuffer c = ByteBuffer.wrap(((NativeArg.In) array).bytes()).order(java.nio.ByteOrder.nativeOrder());
        assertEquals(names.size() * 8, c.capacity());
        for (int i = 0; i < cookies.length; i++) {
            assertEquals(cookies[i], c.getLong(i * 8), "cookie " + i);
        }
    }

    @Property(tries = 100)
    void kprobeEventCarriesTheFunctionByAddressAndTheOffset(@ForAll @IntRange(min = 0, max = 1000) int pmu,
                                                            @ForAll @IntRange(min = 0, max = 63) int bit,
                                                            @ForAll long address, @ForAll long offset) {
        byte[] bytes = new KprobeEventAttr(pmu, 1L << bit, "do_unlinkat", offset).encode(address);
        ByteBuffer b = le(bytes);
        assertEquals(pmu, b.getInt(0));
        assertEquals(PerfEventAttr.LAYOUT.size(), b.getInt(4));
        assertEquals(1L << bit, b.getLong(8), "config: the retprobe bit");
        assertEquals(1L, b.getLong(16), "sample_period");
        assertEquals(1, b.getInt(48), "wakeup_events");
        assertEquals(address, b.getLong(56), "config1: kprobe_func");
        assertEquals(offset, b.getLong(64), "config2: probe_offset");
        zeroOutside(bytes, 0, 24, 48, 52, 56, 72);
    }

    @Test
    void aKernelWithoutTheKprobePmuIsNamedAtEncoding() {
        KprobeEventAttr none = new KprobeEventAttr(-1, 0, "do_unlinkat", 0);
        BpfException e = assertThrows(BpfException.class, () -> none.encode(0x1000));
        assertTrue(e.getMessage().contains("no kprobe PMU") && e.getMessage().contains("CONFIG_KPROBES off"),
                e.getMessage());
        assertTrue(none.toString().contains("type=none (no kprobe PMU here)"), none.toString());
    }
}
