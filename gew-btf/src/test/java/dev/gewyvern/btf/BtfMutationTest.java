package dev.gewyvern.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Broken BTF of every sort (real objects' BTF with bit flips, truncation, lying header and record
 * fields; random bytes) ends in a BtfException with a message, never any other exception, on both
 * paths: the eager {@link Btf#parse} and the lazy {@link Btf#index} followed by decoding every type.
 */
class BtfMutationTest {
    private static final List<byte[]> SEEDS = seeds();
    private static final byte[] VALUE = new byte[96];

    private static List<byte[]> seeds() {
        List<byte[]> s = new ArrayList<>();
        for (String o : TestBtf.OBJECTS) {
            s.add(TestBtf.btf(o));
        }
        return s;
    }

    /** Everything a reader of BTF does with it; only BtfException may escape. */
    static void exercise(byte[] bytes) {
        List<BtfType> eager = null;
        try {
            eager = BtfGraphs.all(Btf.parse(bytes.clone()));
        } catch (BtfException expected) {
            assertFalse(expected.getMessage() == null || expected.getMessage().isBlank());
        }
        Btf lazy;
        try {
            lazy = Btf.index(ByteBuffer.wrap(bytes), null);
        } catch (BtfException expected) {
            assertFalse(expected.getMessage() == null || expected.getMessage().isBlank());
            assertNull(eager, "index refused what parse accepted");
            return;
        }
        // the two places validation happens agree: decoding every type fails iff parse failed
        List<BtfType> decoded = new ArrayList<>();
        for (int id = 1; id < lazy.typeCount(); id++) {
            try {
                decoded.add(lazy.type(id));
            } catch (BtfException expected) {
                decoded = null;
                break;
            }
        }
        assertEquals(eager, decoded, "lazy decoding and eager parsing disagree");
        BtfCursor c = lazy.cursor();
        for (int id = 0; id < lazy.typeCount(); id++) {
            try {
                lazy.kind(id);
                lazy.name(id);
                BtfType t = lazy.type(id);
                BtfValues.typeName(lazy, id);
                BtfValues.format(lazy, id, VALUE, lazy.order());
                lazy.resolve(id);
                lazy.sizeOf(id);
                if (id > 0) {
                    c.at(id);
                    c.name();
                    if (t instanceof BtfType.Struct || t instanceof BtfType.Enum || t instanceof BtfType.FuncProto) {
                        for (int i = 0; i < c.vlen(); i++) {
                            c.entryName(i);
                            c.entryType(i);
                        }
                    }
                }
            } catch (BtfException expected) {
                assertFalse(expected.getMessage() == null || expected.getMessage().isBlank());
            }
        }
        try {
            lazy.validate();
            BtfWriter.write(BtfGraphs.all(lazy), lazy.order());
        } catch (BtfException expected) {
            assertFalse(expected.getMessage() == null || expected.getMessage().isBlank());
        }
        try {
            BtfRawDump.dump(lazy);
        } catch (BtfException expected) {
            assertFalse(expected.getMessage() == null || expected.getMessage().isBlank());
        }
        try {
            BtfCDump.dump(lazy, "G");
        } catch (BtfException expected) {
            assertFalse(expected.getMessage() == null || expected.getMessage().isBlank());
        }
    }

    private static byte[] seed(int which) {
        return SEEDS.get(which % SEEDS.size()).clone();
    }

    private static ByteBuffer buf(byte[] b) {
        return ByteBuffer.wrap(b).order(b[0] == (byte) 0xeb ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    }

    @Provide
    Arbitrary<Integer> nasty() {
        return Arbitraries.oneOf(
                Arbitraries.of(0, 1, 2, 3, 4, 8, 12, 16, 23, 24, 25, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
                        0xffffffff, 0x1f000000, 0x13000001, 0x8400ffff, 0x0dffffff, 0x60ff0000),
                Arbitraries.integers(), Arbitraries.integers().between(0, 5000));
    }

    @Property(tries = 500)
    void truncation(@ForAll @IntRange(min = 0, max = 3) int which, @ForAll @IntRange(min = 0, max = 100000) int len) {
        byte[] b = seed(which);
        exercise(Arrays.copyOf(b, len % (b.length + 1)));
    }

    @Property(tries = 2000)
    void bitFlips(@ForAll @IntRange(min = 0, max = 3) int which,
                  @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = Integer.MAX_VALUE) Integer> bits) {
        byte[] b = seed(which);
        for (int bit : bits) {
            int at = (bit >>> 3) % b.length;
            b[at] ^= (byte) (1 << (bit & 7));
        }
        exercise(b);
    }

    /** The header's lengths and offsets lie. */
    @Property(tries = 1000)
    void headerFields(@ForAll @IntRange(min = 0, max = 3) int which, @ForAll @IntRange(min = 0, max = 5) int field,
                      @ForAll("nasty") int value) {
        byte[] b = seed(which);
        buf(b).putInt(4 + 4 * field, value);
        exercise(b);
    }

    /** A word of the type section (a name offset, an info word with kind and vlen, a size or reference) lies. */
    @Property(tries = 3000)
    void typeSectionWords(@ForAll @IntRange(min = 0, max = 3) int which, @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position,
                          @ForAll("nasty") int value) {
        byte[] b = seed(which);
        ByteBuffer bb = buf(b);
        int typeStart = bb.getInt(4) + bb.getInt(8);
        int typeLen = bb.getInt(12);
        bb.putInt(typeStart + 4 * (position % (typeLen / 4)), value);
        exercise(b);
    }

    /**
     * A struct that holds itself by value (directly or through an anonymous member) is not walked forever:
     * every reader ends, with a value or a BtfException (exercise() fails on any other exception; a walk
     * that never ended would hang the build).
     */
    @Property(tries = 200)
    void typeCyclesEndEveryWalk(@ForAll @IntRange(min = 1, max = 6) int length, @ForAll boolean anonymous) {
        List<BtfType> types = new ArrayList<>();
        for (int i = 1; i <= length; i++) {
            int next = i == length ? 1 : i + 1;
            types.add(new BtfType.Struct(anonymous ? "" : "s" + i, 8, false, false,
                    List.of(new BtfType.Member("m", next, 0, 0))));
        }
        types.add(new BtfType.Typedef("loop_t", length + 2));
        types.add(new BtfType.Typedef("loop2_t", length + 1));
        exercise(BtfWriter.write(types, ByteOrder.LITTLE_ENDIAN));
    }

    @Property(tries = 300)
    void randomBytesAfterAValidHeader(@ForAll @Size(max = 600) byte[] tail, @ForAll @IntRange(min = 0, max = 600) int typeLen) {
        ByteBuffer h = ByteBuffer.allocate(24 + tail.length).order(ByteOrder.LITTLE_ENDIAN);
        int tl = Math.min(typeLen, tail.length) & ~3;
        h.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(tl).putInt(tl)
                .putInt(tail.length - tl).put(tail);
        exercise(h.array());
    }

    @Property(tries = 200)
    void arbitraryBytes(@ForAll @Size(max = 300) byte[] bytes) {
        exercise(bytes);
    }
}
