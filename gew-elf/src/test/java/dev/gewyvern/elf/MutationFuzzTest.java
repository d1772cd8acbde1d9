package dev.gewyvern.elf;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.gewyvern.btf.BtfException;

import java.nio.ByteBuffer;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Mutation fuzzing of real objects: whatever is broken, parsing (and everything a loader then calls)
 * ends in an ElfException or BtfException with a message, never in any other exception.
 */
class MutationFuzzTest {
    private static final List<byte[]> SEEDS = TestObjects.all();
    private static final List<ElfFile> PARSED = SEEDS.stream().map(ElfFile::parse).collect(
            java.util.stream.Collectors.toList());

    /** Parses and uses the object the way the loader will; only our two exceptions may escape. */
    static void exercise(byte[] bytes) {
        try {
            BpfObject o = BpfObject.parse(bytes);
            o.kernelBtf();
            o.maps().forEach(BpfMap::toString);
            for (GlobalData g : o.globalData()) {
                byte[] image = g.initialValue();
                for (GlobalVariable v : g.variables()) {
                    g.render(v, image, o.byteOrder());
                    g.typeName(v);
                }
                o.globalDataValues(java.util.Map.of());
            }
            for (BpfProgram p : o.programs()) {
                p.encode(name -> 3);
                p.disassemble();
                for (LineInfo li : p.lineInfo()) {
                    p.sourceLineAt(li.insnIndex());
                }
            }
        } catch (ElfException | BtfException expected) {
            assertFalse(expected.getMessage() == null || expected.getMessage().isBlank());
        }
    }

    private static byte[] seed(int which) {
        return SEEDS.get(which % SEEDS.size()).clone();
    }

    /** Values that tend to break readers: edges, sign bits, the file length. */
    @Provide
    Arbitrary<Long> nasty() {
        return Arbitraries.oneOf(
                Arbitraries.of(0L, 1L, 2L, 3L, 4L, 7L, 8L, 12L, 16L, 24L, 64L, 0xffL, 0xffffL, 0x7fffffffL, 0x80000000L,
                        0xffffffffL, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 8504L, 7936L, 3712L, 0x3fffffffL,
                        1_000_000_000L, (64L << 20) + 1),
                Arbitraries.longs(), Arbitraries.longs().between(0, 20000));
    }

    @Property(tries = 400)
    void truncation(@ForAll @IntRange(min = 0, max = 99) int which, @ForAll @IntRange(min = 0, max = 1_000_000) int len) {
        byte[] b = seed(which);
        exercise(java.util.Arrays.copyOf(b, len % (b.length + 1)));
    }

    @Property(tries = 3000)
    void bitFlips(@ForAll @IntRange(min = 0, max = 99) int which,
                  @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = Integer.MAX_VALUE) Integer> bits) {
        byte[] b = seed(which);
        for (int bit : bits) {
            int at = (bit >>> 3) % b.length;
            b[at] ^= (byte) (1 << (bit & 7));
        }
        exercise(b);
    }

    @Property(tries = 2000)
    void sectionHeaderFields(@ForAll @IntRange(min = 0, max = 99) int which, @ForAll @IntRange(min = 0, max = 99) int section,
                             @ForAll @IntRange(min = 0, max = 9) int field, @ForAll("nasty") long value) {
        byte[] b = seed(which);
        int shoff = (int) ByteBuffer.wrap(b).order(TestObjects.order(b)).getLong(40);
        int index = section % PARSED.get(which % SEEDS.size()).sections().size();
        int h = shoff + 64 * index;
        // name, type, flags, addr, offset, size, link, info, addralign, entsize
        int[] at = {0, 4, 8, 16, 24, 32, 40, 44, 48, 56};
        boolean wide = field != 0 && field != 1 && field != 6 && field != 7;
        if (wide) {
            TestObjects.putLong(b, h + at[field], value);
        } else {
            TestObjects.putInt(b, h + at[field], (int) value);
        }
        exercise(b);
    }

    @Property(tries = 300)
    void elfHeaderFields(@ForAll @IntRange(min = 0, max = 99) int which, @ForAll @IntRange(min = 0, max = 3) int field,
                         @ForAll("nasty") long value) {
        byte[] b = seed(which);
        switch (field) {
            case 0: TestObjects.putLong(b, 40, value); break;                                  // e_shoff
            case 1: ByteBuffer.wrap(b).order(TestObjects.order(b)).putShort(60, (short) value); break; // e_shnum
            case 2: ByteBuffer.wrap(b).order(TestObjects.order(b)).putShort(62, (short) value); break; // e_shstrndx
            default: ByteBuffer.wrap(b).order(TestObjects.order(b)).putShort(58, (short) value); break; // e_shentsize
        }
        exercise(b);
    }

    /** Lying sizes and counts inside the sections that matter: BTF, .BTF.ext, symbols, relocations, code, maps. */
    @Property(tries = 5000)
    void fieldsInsideSections(@ForAll @IntRange(min = 0, max = 99) int which, @ForAll @IntRange(min = 0, max = 99) int section,
                              @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position,
                              @ForAll("nasty") long value, @ForAll boolean wide) {
        byte[] b = seed(which);
        List<ElfSection> interesting = PARSED.get(which % SEEDS.size()).sections().stream()
                .filter(s -> s.size() >= 8 && !s.nobits() && !s.name().startsWith(".debug")
                        && !s.name().startsWith(".rel.debug"))
                .collect(java.util.stream.Collectors.toList());
        ElfSection s = interesting.get(section % interesting.size());
        // aligned positions hit header fields and record fields far more often than random bytes do
        int span = (int) s.size() - (wide ? 8 : 4);
        int at = (int) s.offset() + ((position % (span + 1)) & ~3);
        if (wide) {
            TestObjects.putLong(b, at, value);
        } else {
            TestObjects.putInt(b, at, (int) value);
        }
        exercise(b);
    }

    @Property(tries = 300)
    void randomBytesNeverEscape(@ForAll @Size(max = 512) byte[] tail) {
        // a valid ELF header followed by garbage
        byte[] b = java.util.Arrays.copyOf(SEEDS.get(0), 64 + tail.length);
        System.arraycopy(tail, 0, b, 64, tail.length);
        exercise(b);
    }
}
