package dev.gewyvern.elf;

import java.util.Optional;

/**
 * The .BTF section of a BPF ELF object (clang -g -target bpf output), without linking its programs. A
 * vmlinux image is not a BPF object: extract its BTF first (objcopy --dump-section .BTF=FILE vmlinux).
 */
public final class ElfBtf {
    private ElfBtf() {
    }

    /** True when {@code bytes} start with the ELF magic. */
    public static boolean isElf(byte[] bytes) {
        return bytes.length >= 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F';
    }

    /** The bytes of the file's .BTF section; empty when it has none. A malformed ELF file is an ElfException. */
    public static Optional<byte[]> section(byte[] bytes) {
        ElfFile elf = ElfFile.parse(bytes.clone());
        return elf.section(".BTF").map(elf::data);
    }
}
