package dev.gewyvern.elf;

/**
 * Something of an object that cannot be read or used, found while parsing a well-formed ELF file: the
 * item it concerns and why. A map or extern with a problem is left out of {@link BpfObject#maps()} /
 * {@link BpfObject#externs()} (the programs that use it cannot be loaded, each saying so); a problem of
 * the object itself (its BTF, its global data, its code sections) makes the whole object unloadable.
 * A program's own problem is {@link BpfProgram#loadProblem()}.
 *
 * @param name the map's or extern's name, or for the object the part concerned ({@code .BTF}, {@code license}, ...)
 */
public record ObjectProblem(Item item, String name, String text) {
    /** What a problem concerns. */
    public enum Item { OBJECT, MAP, EXTERN }

    @Override
    public String toString() {
        return switch (item) {
            case OBJECT -> name + ": " + text;
            case MAP -> "map '" + name + "': " + text;
            case EXTERN -> "extern '" + name + "': " + text;
        };
    }
}
