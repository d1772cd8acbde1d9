package dev.gewyvern.elf;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One 8-byte BPF instruction slot ({@code struct bpf_insn}). The 16-byte {@code ld_imm64}
 * (opcode 0x18) takes two slots: the second has opcode 0 and carries the upper 32 bits of the
 * constant in its {@code imm}. Instruction indexes everywhere count slots, as the kernel does.
 *
 * <p>On the wire the register byte is {@code src << 4 | dst} in little-endian objects and
 * {@code dst << 4 | src} in big-endian ones; {@code off} and {@code imm} follow the byte order.
 *
 * @param opcode 0..255
 * @param dst    destination register, 0..15
 * @param src    source register (or pseudo marker for calls and ld_imm64), 0..15
 * @param off    signed 16-bit offset
 * @param imm    signed 32-bit immediate
 */
public record Insn(int opcode, int dst, int src, int off, int imm) {
    /** Bytes per slot. */
    public static final int SIZE = 8;

    public static final int LD_IMM64 = 0x18;
    public static final int CALL = 0x85;
    public static final int EXIT = 0x95;

    /** src_reg of a call: a bpf-to-bpf call whose imm is the relative offset of the callee. */
    public static final int PSEUDO_CALL = 1;
    /** src_reg of a call: a kernel function (kfunc) call. */
    public static final int PSEUDO_KFUNC_CALL = 2;
    /** src_reg of ld_imm64: imm is a map fd. */
    public static final int PSEUDO_MAP_FD = 1;
    /** src_reg of ld_imm64: imm is a map fd, the second slot's imm an offset into its value. */
    public static final int PSEUDO_MAP_VALUE = 2;
    public static final int PSEUDO_BTF_ID = 3;
    /** src_reg of ld_imm64: imm is the relative offset of a subprogram (a callback). */
    public static final int PSEUDO_FUNC = 4;
    public static final int PSEUDO_MAP_IDX = 5;
    public static final int PSEUDO_MAP_IDX_VALUE = 6;

    public Insn {
        if (opcode < 0 || opcode > 0xff) {
            throw new IllegalArgumentException("opcode " + opcode + " is not 0..255");
        }
        if (dst < 0 || dst > 15 || src < 0 || src > 15) {
            throw new IllegalArgumentException("registers dst " + dst + ", src " + src + " are not 0..15");
        }
        if (off < Short.MIN_VALUE || off > Short.MAX_VALUE) {
            throw new IllegalArgumentException("offset " + off + " does not fit 16 bits");
        }
    }

    /** Decodes the slot at byte {@code at} of {@code code}. */
    public static Insn decode(byte[] code, int at, ByteOrder order) {
        if (at < 0 || at > code.length - SIZE) {
            throw new ElfException("instruction at byte " + at + " runs past the " + code.length + "-byte code");
        }
        int regs = Byte.toUnsignedInt(code[at + 1]);
        boolean le = order == ByteOrder.LITTLE_ENDIAN;
        int off = le ? (code[at + 2] & 0xff) | (code[at + 3] << 8) : (code[at + 2] << 8) | (code[at + 3] & 0xff);
        int imm = le
                ? (code[at + 4] & 0xff) | (code[at + 5] & 0xff) << 8 | (code[at + 6] & 0xff) << 16 | code[at + 7] << 24
                : code[at + 4] << 24 | (code[at + 5] & 0xff) << 16 | (code[at + 6] & 0xff) << 8 | (code[at + 7] & 0xff);
        return le
                ? new Insn(Byte.toUnsignedInt(code[at]), regs & 0xf, regs >>> 4, (short) off, imm)
                : new Insn(Byte.toUnsignedInt(code[at]), regs >>> 4, regs & 0xf, (short) off, imm);
    }

    /** Decodes every slot of {@code code}, whose length must be a multiple of 8. */
    public static List<Insn> decodeAll(byte[] code, ByteOrder order) {
        if (code.length % SIZE != 0) {
            throw new ElfException("code of " + code.length + " bytes is not a whole number of 8-byte instructions");
        }
        List<Insn> out = new ArrayList<>(code.length / SIZE);
        for (int at = 0; at < code.length; at += SIZE) {
            out.add(decode(code, at, order));
        }
        return out;
    }

    /** Writes this slot at byte {@code at} of {@code out}. */
    public void encode(byte[] out, int at, ByteOrder order) {
        out[at] = (byte) opcode;
        if (order == ByteOrder.LITTLE_ENDIAN) {
            out[at + 1] = (byte) (src << 4 | dst);
            out[at + 2] = (byte) off;
            out[at + 3] = (byte) (off >> 8);
            out[at + 4] = (byte) imm;
            out[at + 5] = (byte) (imm >> 8);
            out[at + 6] = (byte) (imm >> 16);
            out[at + 7] = (byte) (imm >> 24);
        } else {
            out[at + 1] = (byte) (dst << 4 | src);
            out[at + 2] = (byte) (off >> 8);
            out[at + 3] = (byte) off;
            out[at + 4] = (byte) (imm >> 24);
            out[at + 5] = (byte) (imm >> 16);
            out[at + 6] = (byte) (imm >> 8);
            out[at + 7] = (byte) imm;
        }
    }

    public byte[] encode(ByteOrder order) {
        byte[] out = new byte[SIZE];
        encode(out, 0, order);
        return out;
    }

    public static byte[] encodeAll(List<Insn> insns, ByteOrder order) {
        byte[] out = new byte[insns.size() * SIZE];
        for (int i = 0; i < insns.size(); i++) {
            insns.get(i).encode(out, i * SIZE, order);
        }
        return out;
    }

    /** The first slot of a 16-byte ld_imm64. */
    public boolean isLdImm64() {
        return opcode == LD_IMM64;
    }

    /** A helper call, bpf-to-bpf call or kfunc call ({@code src} tells which). */
    public boolean isCall() {
        return opcode == CALL;
    }

    public Insn withSrc(int newSrc) {
        return new Insn(opcode, dst, newSrc, off, imm);
    }

    public Insn withImm(int newImm) {
        return new Insn(opcode, dst, src, off, newImm);
    }

    /**
     * This slot in the kernel verifier's notation ({@code r1 = *(u64 *)(r10 -8)},
     * {@code call bpf_map_lookup_elem#1}, {@code if r0 != 0x0 goto pc+15}); an ld_imm64 shown
     * without its second slot prints only the low 32 bits. Anything unknown prints as raw hex.
     */
    @Override
    public String toString() {
        return InsnFormat.format(this, null);
    }

    /** This slot in verifier notation, with {@code next} as the second slot of an ld_imm64. */
    public String toString(Insn next) {
        return InsnFormat.format(this, next);
    }

    /**
     * A listing of {@code insns}, one line per instruction as the verifier log prints them:
     * {@code "  9: (85) call bpf_get_current_comm#16"}. The second slot of an ld_imm64 gets no line.
     */
    public static List<String> disassemble(List<Insn> insns) {
        List<String> out = new ArrayList<>();
        int width = Integer.toString(Math.max(0, insns.size() - 1)).length();
        for (int i = 0; i < insns.size(); i++) {
            Insn insn = insns.get(i);
            Insn next = insn.isLdImm64() && i + 1 < insns.size() ? insns.get(i + 1) : null;
            out.add(String.format("%" + width + "d: (%02x) %s", i, insn.opcode(), insn.toString(next)));
            if (next != null) {
                i++;
            }
        }
        return out;
    }
}
