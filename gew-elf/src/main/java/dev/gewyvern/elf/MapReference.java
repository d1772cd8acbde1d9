package dev.gewyvern.elf;

/**
 * An ld_imm64 in a program's final instructions that must load a map: a map of the object
 * ({@link Kind#MAP}, patched to {@code src_reg = BPF_PSEUDO_MAP_FD, imm = fd}) or a place in a global
 * data section ({@link Kind#DATA}: {@code map} is the section, {@code .data}, {@code .rodata}, {@code .bss};
 * patched to {@code src_reg = BPF_PSEUDO_MAP_VALUE, imm = fd}, second slot's {@code imm = offset}).
 *
 * @param insnIndex index of the ld_imm64's first slot in {@link BpfProgram#insns()}
 * @param offset    byte offset into the map's value (0 for {@link Kind#MAP})
 */
public record MapReference(int insnIndex, String map, Kind kind, int offset) {
    public enum Kind { MAP, DATA }
}
