package dev.gewyvern.btf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Values of BTF types as JSON and back, held against what clang laid out for btfkinds.bpf.c. */
class BtfJsonTest {
    /** all_kinds_data = { .a = 5, .b = -3, .c = 12345, .name = "kinds", .sign = NEG_ONE, .wide = WIDE_HIGH } */
    static final String ALL_KINDS = "{\"a\":5,\"b\":-3,\"c\":12345,\"name\":\"kinds\",\"half\":0,\"bytes\":[0,0],"
            + "\"ratio\":0.0,\"precise\":0.0,\"sign\":\"NEG_ONE\",\"wide\":\"WIDE_HIGH\",\"hidden\":\"0x0\","
            + "\"tagged\":\"0x0\",\"callback\":\"0x0\",\"scratch\":\"0x0\",\"counter\":0}";

    private static Btf btf(String object) {
        return Btf.parse(TestBtf.btf(object));
    }

    private static ByteOrder order(String object) {
        return object.contains("bpfeb") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    private static int bits(Btf btf) {
        return btf.find(BtfKind.STRUCT, "bits");
    }

    @ParameterizedTest
    @ValueSource(strings = {"btfkinds.bpf.o", "btfkinds.bpfeb.o"})
    void clangsInitializedStructReadsAsJsonAndTheJsonWritesClangsBytes(String object) {
        Btf btf = btf(object);
        // .data holds only all_kinds_data
        byte[] data = TestBtf.section(TestBtf.object(object), ".data");
        assertEquals(ALL_KINDS, BtfValues.json(btf, bits(btf), data, order(object)));
        assertArrayEquals(data, BtfJson.encode(btf, bits(btf), ALL_KINDS, order(object)), "the bytes clang emitted");
        // members left out are zero; the text rendering says the same as the JSON
        byte[] few = BtfJson.encode(btf, bits(btf), "{\"a\":5,\"b\":-3,\"c\":12345,\"name\":\"kinds\","
                + "\"sign\":\"NEG_ONE\",\"wide\":\"WIDE_HIGH\"}", order(object));
        assertArrayEquals(data, few);
        String text = BtfValues.format(btf, bits(btf), data, order(object));
        assertTrue(text.startsWith("{a=5, b=-3, c=12345, name=\"kinds\", {half=0, bytes=[0, 0]}, ratio=0.0"), text);
    }

    @Test
    void integersAreExactTo64BitsAndTakeStringsOfNumbers() {
        Btf btf = btf("btfkinds.bpf.o");
        int bits = bits(btf);
        byte[] b = BtfJson.encode(btf, bits, "{\"c\":2199023255551,\"counter\":\"0x7fffffff\",\"half\":65535}",
                ByteOrder.LITTLE_ENDIAN);
        String json = BtfValues.json(btf, bits, b, ByteOrder.LITTLE_ENDIAN);
        assertTrue(json.contains("\"c\":2199023255551"), json);
        assertTrue(json.contains("\"counter\":2147483647"), json);
        assertTrue(json.contains("\"half\":65535,\"bytes\":[255,255]"), json);
        int u64 = btf.find(BtfKind.INT, "unsigned long long");
        assertEquals("18446744073709551615", BtfValues.json(btf, u64,
                BtfJson.encode(btf, u64, "18446744073709551615", ByteOrder.LITTLE_ENDIAN), ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void hexGivesExactlyTheBytes() {
        Btf btf = btf("btfkinds.bpf.o");
        int u16 = btf.find(BtfKind.TYPEDEF, "__u16");
        assertArrayEquals(new byte[] {0x34, 0x12}, BtfJson.encode(btf, u16, "\"hex:3412\"", ByteOrder.LITTLE_ENDIAN));
        assertArrayEquals(new byte[] {1, 2, 3}, BtfJson.hex("hex:01 02 03"));
        assertEquals(null, BtfJson.hex("42"));
        BtfException e = assertThrows(BtfException.class,
                () -> BtfJson.encode(btf, u16, "\"hex:341200\"", ByteOrder.LITTLE_ENDIAN));
        assertEquals("value: 3 bytes of hex for __u16, which is 2 bytes", e.getMessage());
    }

    @Test
    void everyRefusalNamesThePathAndWhatWasExpected() {
        Btf btf = btf("btfkinds.bpf.o");
        int bits = bits(btf);
        List<String[]> cases = List.of(
                new String[] {"{\"nope\":1}", "value: struct bits has no member nope (its members: a, b, c, name, half, "
                        + "bytes, ratio, precise, sign, wide, hidden, tagged, callback, scratch, counter)"},
                new String[] {"{\"a\":8}", "value.a: 8 does not fit unsigned int (3 bits, unsigned: 0 to 7)"},
                new String[] {"{\"b\":-17}", "value.b: -17 does not fit int (5 bits, signed: -16 to 15)"},
                new String[] {"{\"name\":\"toolong\"}", "value.name: \"toolong\" is 7 bytes; char[6] holds 6"},
                new String[] {"{\"sign\":\"EIGHT\"}", "value.sign: enum small_signed has no EIGHT (it has NEG_ONE, ZERO,"
                        + " SEVEN)"},
                new String[] {"{\"bytes\":[1,2,3]}", "value.bytes: 3 elements; __u8[2] holds 2"},
                new String[] {"{\"counter\":1.5}", "value.counter: expected an integer (int), got 1.5"},
                new String[] {"{\"counter\":\"many\"}", "value.counter: expected an integer (int), got \"many\""},
                new String[] {"[1]", "value: expected an object (struct bits), got a list"},
                new String[] {"{\"a\":1,}", "JSON at character 8: expected a field name in quotes"},
                new String[] {"{\"a\":1} x", "JSON at character 9: unexpected text after the value"});
        for (String[] c : cases) {
            BtfException e = assertThrows(BtfException.class, () -> BtfJson.encode(btf, bits, c[0],
                    ByteOrder.LITTLE_ENDIAN), c[0]);
            assertEquals(c[1], e.getMessage(), c[0]);
        }
    }
}
