package dev.gewyvern.elf;

/**
 * A CO-RE relocation ({@code .BTF.ext} core_relo) placed in a linked program: the instruction it
 * patches, the local BTF type, the access string and the {@code enum bpf_core_relo_kind}; and where
 * its record is, the code section and byte offset there, which identify it across the programs that
 * share a subprogram.
 */
public record CoreRelocation(int insnIndex, int typeId, int accessStrOff, int kind, String section, int insnOff) {
}
