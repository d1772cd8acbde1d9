package dev.gewyvern.elf;

/**
 * A variable of a global data section ({@code .data}, {@code .rodata}, {@code .bss} and their
 * {@code .name} forms): its symbol's offset and size in the section and, when the object has BTF, the
 * type of its VAR (0 when there is none).
 *
 * @param global whether the symbol is global (a {@code static} variable is local)
 */
public record GlobalVariable(String section, String name, int offset, int size, int btfTypeId, boolean global) {
}
