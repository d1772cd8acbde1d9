package dev.gewyvern.session;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Changes one instruction's immediate in a copy of a little-endian BPF object, found by function symbol
 * and instruction index, to make objects a correct loader must refuse (a test's own tiny ELF reader,
 * independent of gew-elf, so that what is tested does not find its own input).
 */
final class ElfPatch {
    private ElfPatch() {
    }

    /** A copy of {@code elf} whose instruction {@code insn} of function {@code function} has immediate {@code imm}. */
    static byte[] withImmediate(byte[] elf, String function, int insn, int imm) {
        return withWord(elf, 2, function, insn * 8 + 4, imm);
    }

    /** A copy of {@code elf} whose data object {@code symbol} (e.g. a legacy map definition) has {@code value} at byte {@code offset}. */
    static byte[] withObjectWord(byte[] elf, String symbol, int offset, int value) {
        return withWord(elf, 1, symbol, offset, value);
    }

    /** The 32-bit word at {@code offset} into the symbol {@code name} of type {@code symType} (1 object, 2 function). */
    private static byte[] withWord(byte[] elf, int symType, String function, int offset, int value) {
        ByteBuffer b = ByteBuffer.wrap(elf.clone()).order(ByteOrder.LITTLE_ENDIAN);
        int shoff = (int) b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3a));
        int shnum = Short.toUnsignedInt(b.getShort(0x3c));
        for (int i = 0; i < shnum; i++) {
            int sh = shoff + i * shentsize;
            if (b.getInt(sh + 4) != 2) { // SHT_SYMTAB
                continue;
            }
            int symOff = (int) b.getLong(sh + 0x18);
            int symSize = (int) b.getLong(sh + 0x20);
            int strtab = shoff + b.getInt(sh + 0x28) * shentsize;
            int strOff = (int) b.getLong(strtab + 0x18);
            for (int s = symOff; s < symOff + symSize; s += 24) {
                if ((b.get(s + 4) & 0xf) != symType || !name(elf, strOff + b.getInt(s)).equals(function)) {
                    continue;
                }
                int section = shoff + Short.toUnsignedInt(b.getShort(s + 6)) * shentsize;
                int at = (int) (b.getLong(section + 0x18) + b.getLong(s + 8)) + offset;
                b.putInt(at, value);
                return b.array();
            }
        }
        throw new AssertionError("no symbol " + function + " in the object");
    }

    private static String name(byte[] elf, int at) {
        int end = at;
        while (elf[end] != 0) {
            end++;
        }
        return new String(elf, at, end - at, StandardCharsets.US_ASCII);
    }
}
