package dev.gewyvern.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ElfSymbolTableTest {
    /**
     * An x86-64 executable's bones: sections null, .text (address textAddr, file offset 0x100, 0x80 bytes),
     * .symtab with functions f at textAddr+fOff and g (undefined, value 0), .strtab.
     */
    static byte[] elf(ByteOrder order, long textAddr, int fOff) {
        byte[] strtab = "\0f\0g\0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(0x400).order(order);
        b.put(0, new byte[] {0x7f, 'E', 'L', 'F', 2, (byte) (order == ByteOrder.BIG_ENDIAN ? 2 : 1), 1});
        b.putShort(16, (short) 2).putShort(18, (short) 62).putLong(40, 0x300).putShort(58, (short) 64)
                .putShort(60, (short) 4);
        int sym = 0x200;
        b.putInt(sym + 24, 1).put(sym + 24 + 4, (byte) 0x12).putShort(sym + 24 + 6, (short) 1)
                .putLong(sym + 24 + 8, textAddr + fOff);
        b.putInt(sym + 48, 3).put(sym + 48 + 4, (byte) 0x12).putShort(sym + 48 + 6, (short) 0);
        b.put(0x280, strtab);
        section(b, 1, 1, textAddr, 0x100, 0x80, 0);
        section(b, 2, 2, 0, sym, 72, 3);
        section(b, 3, 3, 0, 0x280, strtab.length, 0);
        return b.array();
    }

    private static void section(ByteBuffer b, int index, int type, long addr, long off, long size, int link) {
        int h = 0x300 + index * 64;
        b.putInt(h + 4, type).putLong(h + 16, addr).putLong(h + 24, off).putLong(h + 32, size).putInt(h + 40, link);
    }

    @Test
    void aFunctionsFileOffsetIsItsPlaceInItsSection() {
        assertEquals(Optional.of(0x120L), ElfSymbolTable.fileOffset(elf(ByteOrder.LITTLE_ENDIAN, 0x401000, 0x20), "f"));
        assertEquals(Optional.of(0x17fL), ElfSymbolTable.fileOffset(elf(ByteOrder.BIG_ENDIAN, 0x1000, 0x7f), "f"));
        assertEquals(Optional.empty(), ElfSymbolTable.fileOffset(elf(ByteOrder.LITTLE_ENDIAN, 0x401000, 0), "g"));
        assertEquals(Optional.empty(), ElfSymbolTable.fileOffset(elf(ByteOrder.LITTLE_ENDIAN, 0x401000, 0), "nope"));
        assertThrows(ElfException.class, () -> ElfSymbolTable.fileOffset(new byte[64], "f"));
    }

    @Test
    void functionNamesAreTheDefinedFunctionsOnly() {
        // g is undefined (value 0): not a function the binary defines
        assertEquals(java.util.List.of("f"), ElfSymbolTable.functionNames(elf(ByteOrder.LITTLE_ENDIAN, 0x401000, 0x20)));
        assertEquals(java.util.List.of("f"), ElfSymbolTable.functionNames(elf(ByteOrder.BIG_ENDIAN, 0x1000, 0)));
        assertThrows(ElfException.class, () -> ElfSymbolTable.functionNames(new byte[64]));
    }

    @Property
    void offsetsFollowTheSectionLayout(@ForAll @IntRange(min = 0, max = 0x7f) int fOff,
                                       @ForAll @IntRange(min = 0x1000, max = 1 << 30) int addr) {
        assertEquals(Optional.of(0x100L + fOff), ElfSymbolTable.fileOffset(elf(ByteOrder.LITTLE_ENDIAN, addr, fOff), "f"));
    }

    /** Corrupt any byte: the answer is an offset, nothing, or an ElfException, never another exception. */
    @Property
    void corruptionIsAnElfExceptionOrAnAnswer(@ForAll @IntRange(min = 0, max = 0x3ff) int at, @ForAll byte value) {
        byte[] e = elf(ByteOrder.LITTLE_ENDIAN, 0x401000, 0x10);
        e[at] = value;
        try {
            ElfSymbolTable.fileOffset(e, "f");
        } catch (ElfException ok) {
            // named what was wrong
        }
        try {
            ElfSymbolTable.functionNames(e);
        } catch (ElfException ok) {
            // named what was wrong
        }
    }
}
