package dev.gewyvern.btf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Rendering values stays bounded whatever the BTF says. */
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
}
