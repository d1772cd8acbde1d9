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
                if ((b.get(s + 4) & 0xf) != 2 || !name(elf, strOff + b.getInt(s)).equals(function)) { // STT_FUNC
                    continue;
                }
                int section = shoff + Short.toUnsignedInt(b.getShort(s + 6)) * shentsize;
                int at = (int) (b.getLong(section + 0x18) + b.getLong(s + 8)) + insn * 8;
                b.putInt(at + 4, imm);
                return b.array();
            }
        }
        throw new AssertionError("no function " + function + " in the object");
    }

    private static String name(byte[] elf, int at) {
        int end = at;
        while (elf[end] != 0) {
            end++;
        }
        return new String(elf, at, end - at, StandardCharsets.US_ASCII);
    }
}
