package dev.gewyvern.elf;

import dev.gewyvern.btf.CoreRelocationResult;

import java.util.Optional;

/**
 * One CO-RE relocation as applied to a program: which one ({@code number} counts the program's
 * relocations from 0), what it resolved to, the instruction before and after (an ld_imm64's first
 * slot), whether the instruction was poisoned, and the source line it came from.
 */
public record AppliedCoreRelocation(int number, CoreRelocation relocation, CoreRelocationResult result, Insn before,
                                    Insn after, boolean poisoned, Optional<SourceLine> line) {

    /** Where it is, for messages: {@code relocation #3 at insn 12 (foo.bpf.c:41)}. */
    public String where() {
        return "CO-RE relocation #" + number + " at insn " + relocation.insnIndex()
                + line.map(l -> " (" + l.file() + ":" + l.lineNumber() + ")").orElse("");
    }
}
