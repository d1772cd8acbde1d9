package dev.gewyvern.btf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * An index made from the record offsets an earlier index gave (what a per-boot cache of the kernel's BTF
 * keeps) is the same BTF as the walked one; offsets that the checks without a walk can tell are not this
 * BTF's are refused, not used.
 */
class BtfRecordOffsetsTest {

    @Provide
    Arbitrary<List<BtfType>> graphs() {
        return BtfGraphs.graphs();
    }

    @Property(tries = 500)
    void theOffsetsOfAnIndexGiveTheSameTypes(@ForAll("graphs") List<BtfType> types, @ForAll boolean bigEndian) {
        byte[] bytes = BtfWriter.write(types, bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        Btf walked = Btf.index(ByteBuffer.wrap(bytes), null);
        Btf given = Btf.index(ByteBuffer.wrap(bytes), null, walked.recordOffsets());
        assertEquals(walked.typeCount(), given.typeCount());
        assertArrayEquals(walked.recordOffsets(), given.recordOffsets());
        assertEquals(types, BtfGraphs.all(given));
    }

    @Property(tries = 300)
    void offsetsThatCannotBeThisBtfsAreRefused(@ForAll("graphs") List<BtfType> types) {
        byte[] bytes = BtfWriter.write(types, ByteOrder.LITTLE_ENDIAN);
        int[] offsets = Btf.index(ByteBuffer.wrap(bytes), null).recordOffsets();
        Assume.that(offsets.length > 0);
        // one record short (the last given one then ends where the next begins), one past the type section
        int[] shortened = Arrays.copyOf(offsets, offsets.length - 1);
        assertThrows(BtfException.class, () -> Btf.index(ByteBuffer.wrap(bytes), null, shortened));
        int[] longer = Arrays.copyOf(offsets, offsets.length + 1);
        longer[offsets.length] = bytes.length;
        assertThrows(BtfException.class, () -> Btf.index(ByteBuffer.wrap(bytes), null, longer));
        // not starting at the first record
        int[] shifted = offsets.clone();
        shifted[0] = 4;
        assertThrows(BtfException.class, () -> Btf.index(ByteBuffer.wrap(bytes), null, shifted));
    }
}
