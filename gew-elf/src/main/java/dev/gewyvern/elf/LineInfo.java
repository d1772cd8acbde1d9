package dev.gewyvern.elf;

/**
 * A program's line_info record, as BPF_PROG_LOAD takes it with the object's BTF: string offsets
 * refer to the object's BTF string section ({@link BpfObject#kernelBtf()} keeps them valid).
 *
 * @param insnIndex   the first instruction of the line, in {@link BpfProgram#insns()}
 * @param fileNameOff BTF string offset of the source file name
 * @param lineOff     BTF string offset of the source line text
 * @param lineCol     {@code line << 10 | column}
 */
public record LineInfo(int insnIndex, int fileNameOff, int lineOff, int lineCol) {
    public int lineNumber() {
        return lineCol >>> 10;
    }

    public int column() {
        return lineCol & 0x3ff;
    }
}
