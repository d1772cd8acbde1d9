package dev.gewyvern.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BtfTypeNamesTest {
    private final Btf btf = Btf.parse(TestBtf.btf("btfkinds.bpf.o"));

    @Test
    void namesAsCWritesThem() {
        int bits = btf.find(BtfKind.STRUCT, "bits");
        assertEquals(bits, BtfTypeNames.find(btf, "struct bits"));
        assertEquals(bits, BtfTypeNames.find(btf, "bits"));
        assertEquals(bits, BtfTypeNames.find(btf, "  struct   bits "));
        assertEquals(btf.find(BtfKind.ENUM, "small_signed"), BtfTypeNames.find(btf, "enum small_signed"));
        assertEquals(btf.find(BtfKind.ENUM64, "wide64"), BtfTypeNames.find(btf, "enum wide64"));
        assertEquals(btf.find(BtfKind.INT, "int"), BtfTypeNames.find(btf, "int"));
    }

    @Test
    void aMissingNameIsRefusedWithTheNamesThatAreThere() {
        BtfException e = assertThrows(BtfException.class, () -> BtfTypeNames.find(btf, "struct bit"));
        assertEquals("this object's BTF has no type 'struct bit' (it has struct bits)", e.getMessage());
        assertThrows(BtfException.class, () -> BtfTypeNames.find(btf, "union bits"));
        assertThrows(BtfException.class, () -> BtfTypeNames.find(btf, "struct "));
    }
}
