package dev.gewyvern.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An ELF64 relocatable object for EM_BPF, little or big endian: the header, section headers with
 * their names, the {@code .symtab} symbols and the SHT_REL relocations. Everything is checked
 * against the bytes that exist when parsing, so later accessors cannot run past the input; the
 * input array is not copied and must not change afterwards.
 */
final class ElfFile {
    static final int EM_BPF = 247;
    static final int ET_REL = 1;
    private static final int EHDR_SIZE = 64;
    private static final int SHDR_SIZE = 64;
    private static final int SYM_SIZE = 24;
    private static final int REL_SIZE = 16;

    private final byte[] bytes;
    private final ByteBuffer buf;
    private final int elfType;
    private final List<ElfSection> sections;
    private final ElfSection symtab;
    private final List<ElfSymbol> symbols;

    private ElfFile(byte[] bytes, ByteBuffer buf, int elfType, List<ElfSection> sections, ElfSection symtab,
                    List<ElfSymbol> symbols) {
        this.bytes = bytes;
        this.buf = buf;
        this.elfType = elfType;
        this.sections = sections;
        this.symtab = symtab;
        this.symbols = symbols;
    }

    static ElfFile parse(byte[] bytes) {
        if (bytes.length < EHDR_SIZE) {
            throw new ElfException("ELF file is " + bytes.length + " bytes, shorter than the 64-byte ELF64 header");
        }
        if (bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F') {
            throw new ElfException("not an ELF file: bad magic at offset 0");
        }
        if (bytes[4] != 2) {
            throw new ElfException("ELF class " + bytes[4] + " at offset 4 is not ELFCLASS64 (2)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (bytes[5] == 1) {
            b.order(ByteOrder.LITTLE_ENDIAN);
        } else if (bytes[5] == 2) {
            b.order(ByteOrder.BIG_ENDIAN);
        } else {
            throw new ElfException("ELF data encoding " + bytes[5] + " at offset 5 is neither little (1) nor big (2) endian");
        }
        if (bytes[6] != 1) {
            throw new ElfException("ELF version " + bytes[6] + " at offset 6 is not 1");
        }
        int type = Short.toUnsignedInt(b.getShort(16));
        int machine = Short.toUnsignedInt(b.getShort(18));
        if (machine != EM_BPF) {
            throw new ElfException("ELF machine " + machine + " at offset 18 is not EM_BPF (247)");
        }
        if (type != ET_REL) {
            throw new ElfException("ELF type " + type + " at offset 16 is not ET_REL (1): a BPF object is relocatable");
        }
        long shoff = b.getLong(40);
        int shentsize = Short.toUnsignedInt(b.getShort(58));
        long shnum = Short.toUnsignedInt(b.getShort(60));
        int shstrndx = Short.toUnsignedInt(b.getShort(62));
        if (shoff == 0) {
            throw new ElfException("ELF file has no section headers (e_shoff is 0)");
        }
        if (shentsize != SHDR_SIZE) {
            throw new ElfException("ELF section header size " + shentsize + " at offset 58 is not 64");
        }
        if (shoff < 0 || shoff > bytes.length - SHDR_SIZE) {
            throw new ElfException("ELF section headers at offset " + Long.toUnsignedString(shoff)
                    + " (e_shoff) lie outside the " + bytes.length + "-byte file");
        }
        if (shnum == 0) {
            // extended numbering: the count is in section 0's sh_size
            shnum = b.getLong((int) shoff + 32);
        }
        if (shstrndx == ElfSymbol.SHN_XINDEX) {
            shstrndx = b.getInt((int) shoff + 40);
        }
        if (shnum <= 0 || shnum > (bytes.length - shoff) / SHDR_SIZE) {
            throw new ElfException("ELF section header table at offset " + shoff + " with " + Long.toUnsignedString(shnum)
                    + " entries runs past the end of the " + bytes.length + "-byte file");
        }
        int n = (int) shnum;
        if (shstrndx <= 0 || shstrndx >= n) {
            throw new ElfException("ELF section name table index " + Integer.toUnsignedString(shstrndx)
                    + " (e_shstrndx) is not a section (there are " + n + ")");
        }
        long[][] raw = new long[n][];
        for (int i = 0; i < n; i++) {
            int p = (int) (shoff + (long) i * SHDR_SIZE);
            raw[i] = new long[] {
                Integer.toUnsignedLong(b.getInt(p)), Integer.toUnsignedLong(b.getInt(p + 4)), b.getLong(p + 8),
                b.getLong(p + 24), b.getLong(p + 32), Integer.toUnsignedLong(b.getInt(p + 40)),
                Integer.toUnsignedLong(b.getInt(p + 44)), b.getLong(p + 48), b.getLong(p + 56)
            };
            long stype = raw[i][1];
            long off = raw[i][3];
            long size = raw[i][4];
            if (stype != ElfSection.SHT_NOBITS && stype != ElfSection.SHT_NULL
                    && (off < 0 || size < 0 || off > bytes.length || size > bytes.length - off)) {
                throw new ElfException("section " + i + " data [offset " + Long.toUnsignedString(off) + ", size "
                        + Long.toUnsignedString(size) + "] runs past the end of the " + bytes.length + "-byte file");
            }
        }
        long[] strHdr = raw[shstrndx];
        if (strHdr[1] != ElfSection.SHT_STRTAB) {
            throw new ElfException("section name table (section " + shstrndx + ") is not SHT_STRTAB but type " + strHdr[1]);
        }
        List<ElfSection> sections = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long[] h = raw[i];
            String name = i == 0 ? "" : string(bytes, (int) strHdr[3], strHdr[4], h[0],
                    "name of section " + i + " in the section name table");
            sections.add(new ElfSection(i, name, (int) h[1], h[2], h[3], h[4], (int) h[5], (int) h[6], h[7], h[8]));
        }
        ElfSection symtab = null;
        for (ElfSection s : sections) {
            if (s.type() == ElfSection.SHT_SYMTAB) {
                if (symtab != null) {
                    throw new ElfException("ELF file has two symbol tables: " + symtab.describe() + " and " + s.describe());
                }
                symtab = s;
            }
        }
        List<ElfSymbol> symbols = symtab == null ? List.of() : symbols(b, sections, symtab);
        return new ElfFile(bytes, b, type, List.copyOf(sections), symtab, symbols);
    }

    private static List<ElfSymbol> symbols(ByteBuffer b, List<ElfSection> sections, ElfSection symtab) {
        if (symtab.entsize() != SYM_SIZE) {
            throw new ElfException(symtab.describe() + " has entry size " + symtab.entsize() + ", not 24");
        }
        if (symtab.size() % SYM_SIZE != 0) {
            throw new ElfException(symtab.describe() + " size " + symtab.size() + " is not a multiple of 24");
        }
        if (symtab.link() <= 0 || symtab.link() >= sections.size()) {
            throw new ElfException(symtab.describe() + " links to string table " + Integer.toUnsignedString(symtab.link())
                    + ", which is not a section");
        }
        ElfSection strtab = sections.get(symtab.link());
        if (strtab.type() != ElfSection.SHT_STRTAB) {
            throw new ElfException(symtab.describe() + " links to " + strtab.describe() + ", which is not SHT_STRTAB");
        }
        int count = (int) (symtab.size() / SYM_SIZE);
        List<ElfSymbol> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int p = (int) (symtab.offset() + (long) i * SYM_SIZE);
            long nameOff = Integer.toUnsignedLong(b.getInt(p));
            int info = Byte.toUnsignedInt(b.get(p + 4));
            int other = Byte.toUnsignedInt(b.get(p + 5));
            int shndx = Short.toUnsignedInt(b.getShort(p + 6));
            String name = string(b.array(), (int) strtab.offset(), strtab.size(), nameOff,
                    "name of symbol " + i + " in " + strtab.describe());
            out.add(new ElfSymbol(i, name, b.getLong(p + 8), b.getLong(p + 16), info & 0xf, info >>> 4, other & 0x3,
                    shndx));
        }
        return List.copyOf(out);
    }

    private static String string(byte[] bytes, int tableOff, long tableSize, long off, String what) {
        if (off >= tableSize) {
            throw new ElfException(what + ": offset " + off + " is past the table's " + tableSize + " bytes");
        }
        int start = (int) (tableOff + off);
        int end = start;
        int limit = (int) (tableOff + tableSize);
        while (end < limit && bytes[end] != 0) {
            end++;
        }
        if (end == limit) {
            throw new ElfException(what + ": the string at offset " + off + " is not NUL-terminated");
        }
        return new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }

    ByteOrder order() {
        return buf.order();
    }

    int elfType() {
        return elfType;
    }

    List<ElfSection> sections() {
        return sections;
    }

    ElfSection section(int index) {
        if (index <= 0 || index >= sections.size()) {
            throw new ElfException("section index " + Integer.toUnsignedString(index) + " is not a section (there are "
                    + sections.size() + ")");
        }
        return sections.get(index);
    }

    /** The first section with this name. */
    Optional<ElfSection> section(String name) {
        for (ElfSection s : sections) {
            if (s.index() != 0 && s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    List<ElfSymbol> symbols() {
        return symbols;
    }

    ElfSymbol symbol(int index, String where) {
        if (index < 0 || index >= symbols.size()) {
            throw new ElfException(where + ": symbol index " + Integer.toUnsignedString(index)
                    + " is past the symbol table (" + symbols.size() + " symbols)");
        }
        return symbols.get(index);
    }

    /** A copy of the section's bytes; empty for SHT_NOBITS (whose size is not backed by the file). */
    byte[] data(ElfSection s) {
        if (s.nobits() || s.type() == ElfSection.SHT_NULL) {
            return new byte[0];
        }
        return Arrays.copyOfRange(bytes, (int) s.offset(), (int) (s.offset() + s.size()));
    }

    /** The SHT_REL relocations that apply to {@code target}, from every REL section whose sh_info names it. */
    List<ElfRelocation> relocations(ElfSection target) {
        List<ElfRelocation> out = new ArrayList<>();
        for (ElfSection s : sections) {
            if (s.type() == ElfSection.SHT_RELA && s.info() == target.index()) {
                throw new ElfException(s.describe() + " holds SHT_RELA relocations for " + target.describe()
                        + "; BPF objects use SHT_REL");
            }
            if (s.type() != ElfSection.SHT_REL || s.info() != target.index()) {
                continue;
            }
            if (s.entsize() != REL_SIZE) {
                throw new ElfException(s.describe() + " has entry size " + s.entsize() + ", not 16");
            }
            if (s.size() % REL_SIZE != 0) {
                throw new ElfException(s.describe() + " size " + s.size() + " is not a multiple of 16");
            }
            if (symtab == null || s.link() != symtab.index()) {
                throw new ElfException(s.describe() + " links to section " + Integer.toUnsignedString(s.link())
                        + ", which is not the symbol table");
            }
            long count = s.size() / REL_SIZE;
            for (long i = 0; i < count; i++) {
                int p = (int) (s.offset() + i * REL_SIZE);
                long info = buf.getLong(p + 8);
                ElfRelocation r = new ElfRelocation(buf.getLong(p), (int) (info >>> 32), (int) info);
                symbol(r.symbol(), s.describe() + " entry " + i);
                out.add(r);
            }
        }
        return out;
    }
}
