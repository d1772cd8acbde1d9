package dev.gewyvern.elf;

/**
 * A function of an executable section, from its FUNC symbol: instructions
 * [{@code start}, {@code start + count}) of the section's code.
 */
record Function(ElfSection section, String name, int start, int count, boolean global) {
    // equals and hashCode are written out (with the record's meaning): the linker keys maps by function,
    // and the generated ones are bootstrapped through method handles on first use, a cold start's cost
    @Override
    public boolean equals(Object o) {
        return o instanceof Function f && start == f.start && count == f.count && global == f.global
                && section.equals(f.section) && name.equals(f.name);
    }

    @Override
    public int hashCode() {
        return 31 * section.index() + start;
    }

    String describe() {
        return "function '" + name + "' (" + section.describe() + ", instructions " + start + ".." + (start + count - 1) + ")";
    }
}
