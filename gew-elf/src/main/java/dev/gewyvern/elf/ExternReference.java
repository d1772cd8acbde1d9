package dev.gewyvern.elf;

/**
 * An instruction of a program's final instructions that refers to a {@code .ksyms} extern: an
 * ld_imm64 of a kernel variable's address ({@link Extern.Kind#KSYM}) or a call of a kfunc
 * ({@link Extern.Kind#KFUNC}). {@code .kconfig} externs are {@link MapReference}s into the .kconfig map.
 */
public record ExternReference(int insnIndex, String name, Extern.Kind kind) {
}
