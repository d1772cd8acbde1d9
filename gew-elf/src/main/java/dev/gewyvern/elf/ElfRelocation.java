package dev.gewyvern.elf;

/** One {@code Elf64_Rel}: {@code offset} is a byte offset in the section the relocations apply to. */
record ElfRelocation(long offset, int symbol, int type) {
    static final int R_BPF_NONE = 0;
    static final int R_BPF_64_64 = 1;
    static final int R_BPF_64_ABS64 = 2;
    static final int R_BPF_64_ABS32 = 3;
    static final int R_BPF_64_NODYLD32 = 4;
    static final int R_BPF_64_32 = 10;

    static String typeName(int type) {
        switch (type) {
            case R_BPF_NONE: return "R_BPF_NONE";
            case R_BPF_64_64: return "R_BPF_64_64";
            case R_BPF_64_ABS64: return "R_BPF_64_ABS64";
            case R_BPF_64_ABS32: return "R_BPF_64_ABS32";
            case R_BPF_64_NODYLD32: return "R_BPF_64_NODYLD32";
            case R_BPF_64_32: return "R_BPF_64_32";
            default: return "relocation type " + Integer.toUnsignedString(type);
        }
    }
}
