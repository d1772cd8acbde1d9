package dev.gewyvern.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Where a function symbol lives in an ELF64 executable or shared library of any machine: its offset in the
 * file, as a uprobe takes it (st_value minus the containing section's address plus its file offset).
 * Reads .symtab, then .dynsym. Pure: bytes in, an offset out; every bound is checked.
 */
public final class ElfSymbolTable {
    private static final int SHT_SYMTAB = 2;
    private static final int SHT_DYNSYM = 11;
    private static final int SHT_NOBITS = 8;
    private static final int STT_FUNC = 2;
    private static final int SYM_SIZE = 24;
    private static final int SHDR_SIZE = 64;

    private ElfSymbolTable() {
    }

    /** The file offset of function {@code symbol}, or empty when neither symbol table defines it. */
    public static Optional<Long> fileOffset(byte[] elf, String symbol) {
        byte[] name = symbol.getBytes(StandardCharsets.UTF_8);
        Long[] found = {null};
        functions(elf, (strtab, at, sec, value, shndx) -> {
            if (found[0] != null || !named(elf, at, strtab[2] + strtab[3], name)) {
                return;
            }
            found[0] = offset(sec, value, shndx, symbol);
        });
        return Optional.ofNullable(found[0]);
    }

    /**
     * The names of every function the binary defines in .symtab or .dynsym (each once, sorted): what a
     * pattern over the binary's functions is matched against.
     */
    public static List<String> functionNames(byte[] elf) {
        TreeSet<String> names = new TreeSet<>();
        functions(elf, (strtab, at, sec, value, shndx) -> {
            int end = (int) at;
            while (end < strtab[2] + strtab[3] && elf[end] != 0) {
                end++;
            }
            if (end > at && end < strtab[2] + strtab[3]) {
                names.add(new String(elf, (int) at, end - (int) at, StandardCharsets.UTF_8));
            }
        });
        return List.copyOf(names);
    }

    /** One defined function symbol: its name's offset {@code at} in the file, its section and value. */
    private interface FunctionVisitor {
        void visit(long[] strtab, long at, long[] section, long value, int shndx);
    }

    /** Visits every defined function symbol of .symtab, then of .dynsym. */
    private static void functions(byte[] elf, FunctionVisitor v) {
        if (elf.length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F') {
            throw new ElfException("not an ELF file (no \\x7fELF magic)");
        }
        if (elf[4] != 2) {
            throw new ElfException("ELF class " + elf[4] + " at offset 4 is not ELF64");
        }
        ByteBuffer b = ByteBuffer.wrap(elf).order(elf[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(40);
        int shentsize = Short.toUnsignedInt(b.getShort(58));
        int shnum = Short.toUnsignedInt(b.getShort(60));
        if (shentsize != SHDR_SIZE || shoff < 0 || shoff + (long) shnum * SHDR_SIZE > elf.length) {
            throw new ElfException("section headers (offset " + shoff + ", " + shnum + " of " + shentsize
                    + " bytes) do not fit the file's " + elf.length + " bytes");
        }
        for (int wanted : new int[] {SHT_SYMTAB, SHT_DYNSYM}) {
            for (int i = 0; i < shnum; i++) {
                int h = (int) (shoff + (long) i * SHDR_SIZE);
                if (b.getInt(h + 4) == wanted) {
                    symbols(b, elf, shoff, shnum, h, v);
                }
            }
        }
    }

    private static long[] section(ByteBuffer b, long shoff, int shnum, int index) {
        if (index <= 0 || index >= shnum) {
            return null;
        }
        int h = (int) (shoff + (long) index * SHDR_SIZE);
        // type, addr, offset, size
        return new long[] {b.getInt(h + 4), b.getLong(h + 16), b.getLong(h + 24), b.getLong(h + 32)};
    }

    private static void symbols(ByteBuffer b, byte[] elf, long shoff, int shnum, int h, FunctionVisitor v) {
        long off = b.getLong(h + 24);
        long size = b.getLong(h + 32);
        int link = b.getInt(h + 40);
        long[] strtab = section(b, shoff, shnum, link);
        if (off < 0 || size < 0 || off + size > elf.length || strtab == null || strtab[2] < 0
                || strtab[2] + strtab[3] > elf.length) {
            throw new ElfException("symbol table at section header " + (h - shoff) / SHDR_SIZE + " runs past the file");
        }
        for (long s = off; s + SYM_SIZE <= off + size; s += SYM_SIZE) {
            int p = (int) s;
            long nameOff = Integer.toUnsignedLong(b.getInt(p));
            int type = b.get(p + 4) & 0xf;
            int shndx = Short.toUnsignedInt(b.getShort(p + 6));
            long value = b.getLong(p + 8);
            if (type != STT_FUNC || value == 0 || nameOff >= strtab[3]) {
                continue;
            }
            v.visit(strtab, strtab[2] + nameOff, section(b, shoff, shnum, shndx), value, shndx);
        }
    }

    /** A function's file offset: its value made relative to its section, plus the section's file offset. */
    private static long offset(long[] sec, long value, int shndx, String symbol) {
        if (sec == null || sec[0] == SHT_NOBITS || value < sec[1] || value >= sec[1] + sec[3]) {
            throw new ElfException("symbol " + symbol + " (value 0x" + Long.toHexString(value)
                    + ") is not inside its section " + shndx);
        }
        return value - sec[1] + sec[2];
    }

    private static boolean named(byte[] elf, long at, long end, byte[] name) {
        if (at < 0 || at + name.length >= end || at + name.length >= elf.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (elf[(int) at + i] != name[i]) {
                return false;
            }
        }
        return elf[(int) at + name.length] == 0;
    }
}
