package dev.gewyvern.syscall.attr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.IdentityHashMap;
import java.util.Map;

import dev.gewyvern.elf.uapi.AttachType;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/** Encoders put every value at its field's offset, and nothing anywhere else. */
class AttrEncodingTest {

    /** Fake addresses: 0x1000 apart, in order of first use. */
    static final class FakeSpace implements PointerSpace {
        final Map<NativeArg, Long> addresses = new IdentityHashMap<>();

        public long address(NativeArg arg) {
            return addresses.computeIfAbsent(arg, a -> 0x1000L * (addresses.size() + 1));
        }
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
    }

    @Property(tries = 200)
    void mapCreateFieldsLandAtTheirOffsets(@ForAll int type, @ForAll int keySize, @ForAll int valueSize,
                                           @ForAll int max, @ForAll int flags, @ForAll int btfFd, @ForAll long extra,
                                           @ForAll @AlphaChars @StringLength(max = 30) String name) {
        MapCreateAttr a = MapCreateAttr.of(type, keySize, valueSize, max).withFlags(flags).withName(name)
                .withBtf(btfFd, 3, 4).withExtra(extra);
        ByteBuffer b = le(a.encode(new FakeSpace()));
        assertEquals(type, b.getInt(0));
        assertEquals(keySize, b.getInt(4));
        assertEquals(valueSize, b.getInt(8));
        assertEquals(max, b.getInt(12));
        assertEquals(flags, b.getInt(16));
        assertEquals(btfFd, b.getInt(48));
        assertEquals(3, b.getInt(52));
        assertEquals(4, b.getInt(56));
        assertEquals(extra, b.getLong(64));
        int n = Math.min(name.length(), 15);
        for (int i = 0; i < 16; i++) {
            assertEquals(i < n ? (byte) name.charAt(i) : 0, b.get(28 + i), "map_name[" + i + "]");
        }
    }

    @Property(tries = 100)
    void progLoadPointsAtItsBuffers(@ForAll @IntRange(min = 1, max = 64) int insnCount, @ForAll int type,
                                    @ForAll @IntRange(min = 0, max = 2) int level) {
        NativeArg.In insns = new NativeArg.In(new byte[insnCount * 8]);
        NativeArg.Out log = new NativeArg.Out(4096);
        ProgLoadAttr a = new ProgLoadAttr(type, 7, insns, "GPL", "p", 0, 0, level, log, 9, null, null, 0, 0);
        FakeSpace space = new FakeSpace();
        ByteBuffer b = le(a.encode(space));
        assertEquals(type, b.getInt(0));
        assertEquals(insnCount, b.getInt(4));
        assertEquals(space.addresses.get(insns), b.getLong(8));
        assertEquals(level, b.getInt(24));
        assertEquals(4096, b.getInt(28));
        assertEquals(space.addresses.get(log), b.getLong(32));
        assertEquals(7, b.getInt(68));
        assertEquals(9, b.getInt(72));
        assertEquals(0, b.getInt(88), "no func_info given, none counted");
        assertEquals(ProgLoadAttr.LAYOUT.size(), b.capacity());
    }

    @Property(tries = 50)
    void linkCreateCarriesTheCookie(@ForAll int prog, @ForAll int target, @ForAll long cookie) {
        ByteBuffer b = le(new LinkCreateAttr(prog, target, AttachType.PERF_EVENT.value(), 0, cookie).encode(new FakeSpace()));
        assertEquals(prog, b.getInt(0));
        assertEquals(target, b.getInt(4));
        assertEquals(AttachType.PERF_EVENT.value(), b.getInt(8));
        assertEquals(cookie, b.getLong(16));
    }

    @Property(tries = 50)
    void testRunPointsAtItsBuffersWithTheirSizes(@ForAll int prog, @ForAll @IntRange(min = 1, max = 512) int dataIn,
                                                 @ForAll @IntRange(min = 1, max = 512) int ctxIn, @ForAll int repeat) {
        NativeArg.In data = new NativeArg.In(new byte[dataIn]);
        NativeArg.Out dataOut = new NativeArg.Out(dataIn + 3);
        NativeArg.In ctx = new NativeArg.In(new byte[ctxIn]);
        FakeSpace space = new FakeSpace();
        ByteBuffer b = le(new ProgTestRunAttr(prog, data, dataOut, repeat, ctx, null, 1, 2).encode(space));
        assertEquals(prog, b.getInt(0));
        assertEquals(0, b.getInt(4), "retval is the kernel's to fill");
        assertEquals(dataIn, b.getInt(8));
        assertEquals(dataIn + 3, b.getInt(12));
        assertEquals(space.addresses.get(data), b.getLong(16));
        assertEquals(space.addresses.get(dataOut), b.getLong(24));
        assertEquals(repeat, b.getInt(32));
        assertEquals(ctxIn, b.getInt(40));
        assertEquals(0, b.getInt(44), "no ctx_out buffer, no size");
        assertEquals(space.addresses.get(ctx), b.getLong(48));
        assertEquals(0, b.getLong(56));
        assertEquals(1, b.getInt(64));
        assertEquals(2, b.getInt(68));
        assertEquals(ProgTestRunAttr.LAYOUT.size(), b.capacity());
    }
}
