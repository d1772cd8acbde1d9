package dev.gewyvern.elf;

/**
 * The one error gew-elf throws for malformed or unsupported input: an ELF file, a BPF object or
 * instruction bytes. The message names what was wrong and where (a section name or index, a byte
 * offset, a symbol, a map or program).
 */
public final class ElfException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ElfException(String message) {
        super(message);
    }
}
