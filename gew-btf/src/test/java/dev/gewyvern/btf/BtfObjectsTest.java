package dev.gewyvern.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The BTF clang emits for testdata/src/btfkinds.bpf.c (every kind) and execcount.bpf.c: the
 * big-endian twins decode to the same types as the little-endian objects, and kind_flag semantics
 * (bitfield offsets, enum signedness, forward kinds) come out as the source says.
 */
class BtfObjectsTest {

    @ParameterizedTest
    @ValueSource(strings = {"btfkinds", "execcount"})
    void bigEndianTwinHasTheSameTypes(String name) {
        Btf le = Btf.parse(TestBtf.btf(name + ".bpf.o"));
        Btf be = Btf.parse(TestBtf.btf(name + ".bpfeb.o"));
        assertEquals(ByteOrder.LITTLE_ENDIAN, le.order());
        assertEquals(ByteOrder.BIG_ENDIAN, be.order());
        assertTrue(le.typeCount() > 5);
        assertEquals(BtfGraphs.all(le), BtfGraphs.all(be));
    }

    @ParameterizedTest
    @ValueSource(strings = {"btfkinds.bpf.o", "btfkinds.bpfeb.o", "execcount.bpf.o", "execcount.bpfeb.o"})
    void rewritingAnObjectsTypesGivesTheSameTypes(String object) {
        Btf btf = Btf.parse(TestBtf.btf(object));
        Btf again = Btf.parse(BtfWriter.write(BtfGraphs.all(btf), btf.order()));
        assertEquals(BtfGraphs.all(btf), BtfGraphs.all(again));
    }

    @ParameterizedTest
    @ValueSource(strings = {"btfkinds.bpf.o", "btfkinds.bpfeb.o"})
    void everyKindWithItsFlags(String object) {
        Btf btf = Btf.parse(TestBtf.btf(object));
        java.util.Set<BtfKind> seen = java.util.EnumSet.noneOf(BtfKind.class);
        for (BtfType t : BtfGraphs.all(btf)) {
            seen.add(t.kind());
        }
        seen.add(BtfKind.VOID);
        assertEquals(java.util.EnumSet.allOf(BtfKind.class), seen, "btfkinds.bpf.c should hold every kind");

        BtfType.Struct bits = (BtfType.Struct) btf.type(btf.find(BtfKind.STRUCT, "bits"));
        assertTrue(bits.bitfieldEncoding());
        assertEquals(new BtfType.Member("a", bits.members().get(0).type(), 0, 3), bits.members().get(0));
        assertEquals(new BtfType.Member("b", bits.members().get(1).type(), 3, 5), bits.members().get(1));
        assertEquals(new BtfType.Member("c", bits.members().get(2).type(), 8, 41), bits.members().get(2));
        assertEquals("int", BtfValues.typeName(btf, bits.members().get(1).type()));

        BtfType.Enum signed = (BtfType.Enum) btf.type(btf.find(BtfKind.ENUM, "small_signed"));
        assertTrue(signed.signed());
        assertEquals(List.of(new BtfType.EnumValue("NEG_ONE", -1), new BtfType.EnumValue("ZERO", 0),
                new BtfType.EnumValue("SEVEN", 7)), signed.values());
        BtfType.Enum wide = (BtfType.Enum) btf.type(btf.find(BtfKind.ENUM64, "wide64"));
        assertEquals(0xfedcba9876543210L, wide.values().get(1).value());
        assertEquals(8, wide.size());

        assertEquals(new BtfType.Fwd("opaque", true), btf.type(btf.find(BtfKind.FWD, "opaque")));
        assertEquals(new BtfType.Float("double", 8), btf.type(btf.find(BtfKind.FLOAT, "double")));
        int helper = btf.find(BtfKind.FUNC, "helper");
        assertEquals(1, ((BtfType.Func) btf.type(helper)).linkage());
        boolean argTag = false;
        boolean fnTag = false;
        for (BtfType t : BtfGraphs.all(btf)) {
            if (t instanceof BtfType.DeclTag d && d.type() == helper) {
                argTag |= d.name().equals("arg-tag") && d.componentIdx() == 0;
                fnTag |= d.name().equals("fn-tag") && d.componentIdx() == -1;
            }
        }
        assertTrue(argTag && fnTag, "decl tags on helper and its first argument");
        assertEquals(new BtfType.TypeTag("user", btf.find(BtfKind.INT, "int")),
                btf.type(btf.find(BtfKind.TYPE_TAG, "user")));
        BtfType.Datasec rodata = (BtfType.Datasec) btf.type(btf.find(BtfKind.DATASEC, ".rodata"));
        assertEquals("limit", btf.name(rodata.vars().get(0).type()));
    }
}
