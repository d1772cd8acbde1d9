package dev.gewyvern.elf;

import dev.gewyvern.btf.CoreRelocationResult;

import java.util.List;

/**
 * Writes one resolved CO-RE relocation into its instruction, as libbpf's and the kernel's
 * {@code bpf_core_patch_insn}: an ALU/ALU64 immediate, a load/store offset (and its memory size when
 * the field's size changed safely), or a 64-bit immediate load. The instruction must hold the local
 * value the relocation expects, unless the kind cannot promise one. A relocation that found nothing
 * (or a load/store that cannot be resized) turns the instruction into a call of the invalid helper
 * {@link #POISON_IMM}: harmless in dead code, a verifier error the loader explains when reached.
 */
public final class CorePatch {
    /** The helper id of a poisoned instruction ("bad relo"), as libbpf and the kernel write it. */
    public static final int POISON_IMM = 0xbad2310;

    private static final int CLASS_LD = 0x00;
    private static final int CLASS_LDX = 0x01;
    private static final int CLASS_ST = 0x02;
    private static final int CLASS_STX = 0x03;
    private static final int CLASS_ALU = 0x04;
    private static final int CLASS_ALU64 = 0x07;
    private static final int SRC_X = 0x08;

    private CorePatch() {
    }

    /** Patches {@code insns} at {@code i}; returns true when it poisoned it. Throws ElfException on a mismatch. */
    static boolean apply(List<Insn> insns, int i, CoreRelocationResult r, String where) {
        Insn insn = insns.get(i);
        if (r.poison()) {
            poison(insns, i);
            return true;
        }
        int cls = insn.opcode() & 0x07;
        long orig = r.localValue();
        long value = r.targetValue();
        switch (cls) {
            case CLASS_ALU:
            case CLASS_ALU64:
                if ((insn.opcode() & SRC_X) != 0) {
                    throw new ElfException(where + ": " + insn + " is an ALU instruction with a register operand; "
                            + "only an immediate can be relocated");
                }
                if (r.validate() && insn.imm() != orig) {
                    throw unexpected(where, "ALU immediate", insn.imm(), orig, value);
                }
                insns.set(i, insn.withImm((int) value));
                return false;
            case CLASS_LDX:
            case CLASS_ST:
            case CLASS_STX: {
                if (r.validate() && insn.off() != orig) {
                    throw unexpected(where, "load/store offset", insn.off(), orig, value);
                }
                if (value > Short.MAX_VALUE || value < 0) {
                    throw new ElfException(where + ": the relocated offset " + value + " does not fit the 16-bit "
                            + "offset of " + insn);
                }
                if (r.resizeUnsafe()) {
                    poison(insns, i);
                    return true;
                }
                int opcode = insn.opcode();
                if (r.localSize() != r.targetSize()) {
                    int have = bytes(opcode);
                    if (have != r.localSize()) {
                        throw new ElfException(where + ": " + insn + " accesses " + have + " bytes, but the local "
                                + "field is " + r.localSize() + " bytes");
                    }
                    int size = sizeCode(r.targetSize());
                    if (size < 0) {
                        throw new ElfException(where + ": the target field is " + r.targetSize()
                                + " bytes, which no single load or store reads");
                    }
                    opcode = (opcode & ~0x18) | size;
                }
                insns.set(i, new Insn(opcode, insn.dst(), insn.src(), (int) value, insn.imm()));
                return false;
            }
            case CLASS_LD: {
                Insn next = i + 1 < insns.size() ? insns.get(i + 1) : null;
                if (!insn.isLdImm64() || insn.src() != 0 || insn.off() != 0 || next == null || next.opcode() != 0
                        || next.dst() != 0 || next.src() != 0 || next.off() != 0) {
                    throw new ElfException(where + ": " + insn + " is not a plain 64-bit immediate load");
                }
                long imm = Integer.toUnsignedLong(insn.imm()) | ((long) next.imm() << 32);
                if (r.validate() && imm != orig) {
                    throw unexpected(where, "64-bit immediate", imm, orig, value);
                }
                insns.set(i, insn.withImm((int) value));
                insns.set(i + 1, next.withImm((int) (value >>> 32)));
                return false;
            }
            default:
                throw new ElfException(where + ": " + insn + " (opcode 0x" + Integer.toHexString(insn.opcode())
                        + ") is not an instruction CO-RE can relocate");
        }
    }

    private static void poison(List<Insn> insns, int i) {
        if (insns.get(i).isLdImm64() && i + 1 < insns.size()) {
            insns.set(i + 1, new Insn(Insn.CALL, 0, 0, 0, POISON_IMM));
        }
        insns.set(i, new Insn(Insn.CALL, 0, 0, 0, POISON_IMM));
    }

    private static ElfException unexpected(String where, String what, long got, long expected, long value) {
        return new ElfException(where + ": the instruction's " + what + " is " + got + ", not the " + expected
                + " the relocation expects for the object's own BTF (it would become " + value + "); the object's "
                + ".BTF.ext does not describe its code");
    }

    private static int bytes(int opcode) {
        switch (opcode & 0x18) {
            case 0x00: return 4;
            case 0x08: return 2;
            case 0x10: return 1;
            default: return 8;
        }
    }

    private static int sizeCode(int bytes) {
        switch (bytes) {
            case 4: return 0x00;
            case 2: return 0x08;
            case 1: return 0x10;
            case 8: return 0x18;
            default: return -1;
        }
    }
}
