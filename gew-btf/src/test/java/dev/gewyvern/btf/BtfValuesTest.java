package dev.gewyvern.btf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Rendering values stays bounded whatever the BTF says, and its JSON reads back to the same bytes. */
class BtfValuesTest {
    @Test
    void nestedArraysOfEmptyStructsRenderBoundedInsteadOfExhaustingMemory() {
        // struct e {} (0 bytes); e[65535]; struct s { e[65535] a; }; s[65535]; ... five levels deep
        List<BtfType> types = List.of(
                new BtfType.Int("int", 4, 1, 0, 32),
                new BtfType.Struct("e", 0, false, false, List.of()),
                new BtfType.Array(2, 1, 65535),
                new BtfType.Struct("s", 0, false, false, List.of(new BtfType.Member("a", 3, 0, 0))),
                new BtfType.Array(4, 1, 65535),
                new BtfType.Struct("t", 0, false, false, List.of(new BtfType.Member("b", 5, 0, 0))),
                new BtfType.Array(6, 1, 65535));
        Btf btf = Btf.parse(BtfWriter.write(types, ByteOrder.LITTLE_ENDIAN));
        String s = BtfValues.format(btf, 7, new byte[65536], ByteOrder.LITTLE_ENDIAN);
        assertTrue(s.length() < 2 * BtfValues.MAX_CHARS, "rendered " + s.length() + " chars");
        assertTrue(s.endsWith("...]"), s.substring(s.length() - 20));
    }

    @Test
    void aBoolByteThatIsNeitherZeroNorOnePrintsAsItsNumberSoItsJsonReadsBackTheSameBytes() {
        // union u { _Bool flag; unsigned char bytes[4]; }: the first byte is seen through both members
        List<BtfType> types = List.of(
                new BtfType.Int("_Bool", 1, BtfType.Int.BOOL, 0, 8),
                new BtfType.Int("unsigned char", 1, 0, 0, 8),
                new BtfType.Array(2, 2, 4),
                new BtfType.Struct("u", 4, true, false, List.of(new BtfType.Member("flag", 1, 0, 0),
                        new BtfType.Member("bytes", 3, 0, 0))));
        Btf btf = Btf.parse(BtfWriter.write(types, ByteOrder.LITTLE_ENDIAN));
        byte[] value = {0x5d, 1, 2, 3};
        String json = BtfValues.json(btf, 4, value, ByteOrder.LITTLE_ENDIAN);
        assertEquals("{\"flag\":93,\"bytes\":[93,1,2,3]}", json);
        assertArrayEquals(value, BtfJson.encode(btf, 4, json, ByteOrder.LITTLE_ENDIAN));
        assertEquals("{flag=true, bytes=[1, 1, 2, 3]}", BtfValues.format(btf, 4, new byte[] {1, 1, 2, 3},
                ByteOrder.LITTLE_ENDIAN));
    }
}
