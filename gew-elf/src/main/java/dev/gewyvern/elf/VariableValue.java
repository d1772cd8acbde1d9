package dev.gewyvern.elf;

/**
 * A value for a global variable, given by name before the object is loaded (a {@code const volatile}
 * configuration variable of {@code .rodata}, or one of {@code .data}). Each form is checked against
 * the variable's BTF type by {@link GlobalData#initialValue(java.util.Map, java.nio.ByteOrder)}.
 */
public sealed interface VariableValue {
    /** An integer, for an integer, enum or bool variable; it must fit the type's size and sign. */
    record Integer(long value) implements VariableValue {}

    /** A bool variable (or a 1-byte integer): 1 or 0. */
    record Bool(boolean value) implements VariableValue {}

    /** A C string for a {@code char[N]} variable: at most N-1 bytes of UTF-8, NUL-padded. */
    record Text(String value) implements VariableValue {}

    /** The exact bytes of the variable, in the object's byte order; any type, size must match. */
    record Raw(byte[] value) implements VariableValue {}
}
