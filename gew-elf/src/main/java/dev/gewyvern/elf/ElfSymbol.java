package dev.gewyvern.elf;

/** One {@code Elf64_Sym} of {@code .symtab}, with its name resolved from the linked string table. */
record ElfSymbol(int index, String name, long value, long size, int type, int bind, int visibility,
                 int sectionIndex) {
    static final int STT_NOTYPE = 0;
    static final int STT_OBJECT = 1;
    static final int STT_FUNC = 2;
    static final int STT_SECTION = 3;
    static final int STT_FILE = 4;

    static final int STB_LOCAL = 0;
    static final int STB_GLOBAL = 1;
    static final int STB_WEAK = 2;

    static final int STV_DEFAULT = 0;
    static final int STV_INTERNAL = 1;
    static final int STV_HIDDEN = 2;

    static final int SHN_UNDEF = 0;
    static final int SHN_LORESERVE = 0xff00;
    static final int SHN_ABS = 0xfff1;
    static final int SHN_COMMON = 0xfff2;
    static final int SHN_XINDEX = 0xffff;

    boolean isFunction() {
        return type == STT_FUNC;
    }

    boolean isSection() {
        return type == STT_SECTION;
    }

    boolean isGlobal() {
        return bind == STB_GLOBAL || bind == STB_WEAK;
    }

    boolean undefined() {
        return sectionIndex == SHN_UNDEF;
    }

    /** A real section index (not UNDEF, ABS, COMMON or another reserved index). */
    boolean inSection() {
        return sectionIndex != SHN_UNDEF && sectionIndex < SHN_LORESERVE;
    }
}
