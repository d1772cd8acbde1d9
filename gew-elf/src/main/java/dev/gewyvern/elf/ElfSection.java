package dev.gewyvern.elf;

/** One ELF64 section header, with its name resolved. Offsets and sizes are checked against the file. */
record ElfSection(int index, String name, int type, long flags, long offset, long size, int link, int info,
                  long addralign, long entsize) {
    static final int SHT_NULL = 0;
    static final int SHT_PROGBITS = 1;
    static final int SHT_SYMTAB = 2;
    static final int SHT_STRTAB = 3;
    static final int SHT_RELA = 4;
    static final int SHT_NOBITS = 8;
    static final int SHT_REL = 9;

    static final long SHF_WRITE = 0x1;
    static final long SHF_ALLOC = 0x2;
    static final long SHF_EXECINSTR = 0x4;

    boolean executable() {
        return (flags & SHF_EXECINSTR) != 0;
    }

    boolean nobits() {
        return type == SHT_NOBITS;
    }

    // written out (with the record's meaning) for the same reason as Function's
    @Override
    public boolean equals(Object o) {
        return o instanceof ElfSection s && index == s.index && type == s.type && flags == s.flags
                && offset == s.offset && size == s.size && link == s.link && info == s.info
                && addralign == s.addralign && entsize == s.entsize && name.equals(s.name);
    }

    @Override
    public int hashCode() {
        return index;
    }

    /** "section 3 'name'", for messages. */
    String describe() {
        return "section " + index + " '" + name + "'";
    }
}
