package dev.gewyvern.elf;

/** A line_info record resolved to text, for annotating disassembly and verifier logs. */
public record SourceLine(String file, String text, int lineNumber, int column) {
    /** {@code "file.c:42:7 text"}. */
    @Override
    public String toString() {
        return file + ":" + lineNumber + ":" + column + " " + text.strip();
    }
}
