package dev.gewyvern.elf;

/** The kernel verifier's disassembly notation (kernel/bpf/disasm.c), without the "(op)" prefix. */
final class InsnFormat {
    static final int LD = 0x00;
    static final int LDX = 0x01;
    static final int ST = 0x02;
    static final int STX = 0x03;
    static final int ALU = 0x04;
    static final int JMP = 0x05;
    static final int JMP32 = 0x06;
    static final int ALU64 = 0x07;

    static final int MODE_IMM = 0x00;
    static final int MODE_ABS = 0x20;
    static final int MODE_IND = 0x40;
    static final int MODE_MEM = 0x60;
    static final int MODE_MEMSX = 0x80;
    static final int MODE_ATOMIC = 0xc0;

    static final int SIZE_DW = 0x18;
    static final int SRC_X = 0x08;

    static final int OP_ADD = 0x00;
    static final int OP_DIV = 0x30;
    static final int OP_AND = 0x50;
    static final int OP_OR = 0x40;
    static final int OP_NEG = 0x80;
    static final int OP_MOD = 0x90;
    static final int OP_XOR = 0xa0;
    static final int OP_MOV = 0xb0;
    static final int OP_END = 0xd0;

    static final int JA = 0x00;
    static final int JCOND = 0xe0;

    static final int FETCH = 0x01;
    static final int XCHG = 0xe0 | FETCH;
    static final int CMPXCHG = 0xf0 | FETCH;
    static final int LOAD_ACQ = 0x100;
    static final int STORE_REL = 0x110;

    private static final String[] ALU_OPS = {
        "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=", "s>>=", "endian", null, null
    };
    private static final String[] ATOMIC_OPS = {
        "add", null, null, null, "or", "and", null, null, null, null, "xor", null, null, null, null, null
    };
    private static final String[] JMP_OPS = {
        "jmp", "==", ">", ">=", "&", "!=", "s>", "s>=", "call", "exit", "<", "<=", "s<", "s<=", null, null
    };
    private static final String[] SIZES = {"u32", "u16", "u8", "u64"};

    private InsnFormat() {
    }

    static String format(Insn insn, Insn next) {
        String s = formatKnown(insn, next);
        return s != null ? s : raw(insn);
    }

    static String raw(Insn i) {
        return String.format("raw(op=0x%02x dst=r%d src=r%d off=%d imm=0x%x)", i.opcode(), i.dst(), i.src(), i.off(),
                i.imm());
    }

    private static String formatKnown(Insn i, Insn next) {
        int code = i.opcode();
        int cls = code & 0x07;
        switch (cls) {
            case ALU:
            case ALU64:
                return alu(i, cls == ALU64);
            case STX:
                return stx(i);
            case ST:
                if ((code & 0xe0) == MODE_MEM) {
                    return "*(" + size(code) + " *)(r" + i.dst() + " " + plus(i.off()) + ") = " + i.imm();
                }
                if ((code & 0xe0) == MODE_ATOMIC && i.dst() == 0 && i.src() == 0) {
                    return "nospec";
                }
                return null;
            case LDX: {
                int mode = code & 0xe0;
                if (mode == MODE_MEM) {
                    return "r" + i.dst() + " = *(" + size(code) + " *)(r" + i.src() + " " + plus(i.off()) + ")";
                }
                if (mode == MODE_MEMSX) {
                    return "r" + i.dst() + " = *(s" + size(code).substring(1) + " *)(r" + i.src() + " "
                            + plus(i.off()) + ")";
                }
                return null;
            }
            case LD:
                return ld(i, next);
            case JMP:
            case JMP32:
                return jmp(i, cls == JMP32);
            default:
                return null;
        }
    }

    private static String alu(Insn i, boolean wide) {
        int code = i.opcode();
        int op = code & 0xf0;
        char r = wide ? 'r' : 'w';
        if (op == OP_END) {
            if (wide) {
                return (code & SRC_X) == 0 ? "r" + i.dst() + " = bswap" + i.imm() + " r" + i.dst() : null;
            }
            return "r" + i.dst() + " = " + ((code & SRC_X) != 0 ? "be" : "le") + i.imm() + " r" + i.dst();
        }
        if (op == OP_NEG) {
            return (code & SRC_X) == 0 ? r + "" + i.dst() + " = -" + r + i.dst() : null;
        }
        String name = ALU_OPS[op >> 4];
        if (name == null) {
            return null;
        }
        if ((op == OP_DIV || op == OP_MOD) && i.off() == 1) {
            name = "s" + name;
        }
        if ((code & SRC_X) != 0) {
            String sx = "";
            if (op == OP_MOV && i.off() != 0) {
                if (i.off() != 8 && i.off() != 16 && i.off() != 32) {
                    return null;
                }
                sx = "(s" + i.off() + ")";
            }
            return r + "" + i.dst() + " " + name + " " + sx + r + i.src();
        }
        return r + "" + i.dst() + " " + name + " " + i.imm();
    }

    private static String stx(Insn i) {
        int code = i.opcode();
        int mode = code & 0xe0;
        String mem = "(" + size(code) + " *)(r" + i.dst() + " " + plus(i.off()) + ")";
        if (mode == MODE_MEM) {
            return "*" + mem + " = r" + i.src();
        }
        if (mode != MODE_ATOMIC) {
            return null;
        }
        String bits = (code & 0x18) == SIZE_DW ? "64" : "";
        int imm = i.imm();
        if (imm == OP_ADD || imm == OP_AND || imm == OP_OR || imm == OP_XOR) {
            return "lock *" + mem + " " + ALU_OPS[imm >> 4] + " r" + i.src();
        }
        if ((imm & FETCH) != 0 && (imm & ~0xf1) == 0 && ATOMIC_OPS[(imm & 0xf0) >> 4] != null) {
            return "r" + i.src() + " = atomic" + bits + "_fetch_" + ATOMIC_OPS[(imm & 0xf0) >> 4] + "(" + mem + ", r" + i.src() + ")";
        }
        if (imm == CMPXCHG) {
            return "r0 = atomic" + bits + "_cmpxchg(" + mem + ", r0, r" + i.src() + ")";
        }
        if (imm == XCHG) {
            return "r" + i.src() + " = atomic" + bits + "_xchg(" + mem + ", r" + i.src() + ")";
        }
        if (imm == LOAD_ACQ) {
            return "r" + i.dst() + " = load_acquire((" + size(code) + " *)(r" + i.src() + " " + plus(i.off()) + "))";
        }
        if (imm == STORE_REL) {
            return "store_release(" + mem + ", r" + i.src() + ")";
        }
        return null;
    }

    private static String ld(Insn i, Insn next) {
        int code = i.opcode();
        int mode = code & 0xe0;
        if (mode == MODE_ABS) {
            return "r0 = *(" + size(code) + " *)skb[" + i.imm() + "]";
        }
        if (mode == MODE_IND) {
            return "r0 = *(" + size(code) + " *)skb[r" + i.src() + " + " + i.imm() + "]";
        }
        if (code != Insn.LD_IMM64) {
            return null;
        }
        String value;
        int hi = next == null ? 0 : next.imm();
        switch (i.src()) {
            case Insn.PSEUDO_MAP_FD:
                value = "map[id:" + Integer.toUnsignedString(i.imm()) + "]";
                break;
            case Insn.PSEUDO_MAP_VALUE:
                value = "map[id:" + Integer.toUnsignedString(i.imm()) + "][0]+" + Integer.toUnsignedString(hi);
                break;
            case Insn.PSEUDO_MAP_IDX:
                value = "map[idx:" + Integer.toUnsignedString(i.imm()) + "]";
                break;
            case Insn.PSEUDO_MAP_IDX_VALUE:
                value = "map[idx:" + Integer.toUnsignedString(i.imm()) + "]+" + Integer.toUnsignedString(hi);
                break;
            case Insn.PSEUDO_FUNC:
                value = "subprog[" + plus(i.imm()) + "]";
                break;
            case Insn.PSEUDO_BTF_ID:
                value = "btf_id[" + Integer.toUnsignedString(i.imm()) + "]";
                break;
            default:
                long v = ((long) hi << 32) | Integer.toUnsignedLong(i.imm());
                value = "0x" + Long.toHexString(v);
                break;
        }
        return "r" + i.dst() + " = " + value;
    }

    private static String jmp(Insn i, boolean j32) {
        int code = i.opcode();
        int op = code & 0xf0;
        if (op == 0x80) { // call
            if (j32) {
                return null;
            }
            if (i.src() == Insn.PSEUDO_CALL) {
                return "call pc" + plus(i.imm());
            }
            if (i.src() == Insn.PSEUDO_KFUNC_CALL) {
                return "call kernel-function#" + i.imm();
            }
            return "call " + HelperNames.name(i.imm()) + "#" + i.imm();
        }
        if (op == JA) {
            return j32 ? "gotol pc" + plus(i.imm()) : "goto pc" + plus(i.off());
        }
        if (op == 0x90) {
            return j32 ? null : "exit";
        }
        if (op == JCOND) {
            return !j32 && i.src() == 0 ? "may_goto pc" + plus(i.off()) : null;
        }
        String name = JMP_OPS[op >> 4];
        if (name == null) {
            return null;
        }
        char r = j32 ? 'w' : 'r';
        String rhs = (code & SRC_X) != 0 ? r + "" + i.src() : "0x" + Integer.toHexString(i.imm());
        return "if " + r + i.dst() + " " + name + " " + rhs + " goto pc" + plus(i.off());
    }

    private static String size(int code) {
        return SIZES[(code & 0x18) >> 3];
    }

    /** The kernel's "%+d": "+8", "-8", "+0". */
    private static String plus(int v) {
        return v < 0 ? Integer.toString(v) : "+" + v;
    }
}
