package dev.gewyvern.elf;

/**
 * A function of an executable section, from its FUNC symbol: instructions
 * [{@code start}, {@code start + count}) of the section's code.
 */
record Function(ElfSection section, String name, int start, int count, boolean global) {
    String describe() {
        return "function '" + name + "' (" + section.describe() + ", instructions " + start + ".." + (start + count - 1) + ")";
    }
}
