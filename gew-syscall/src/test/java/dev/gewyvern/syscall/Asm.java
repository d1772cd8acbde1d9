package dev.gewyvern.syscall;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A few BPF instructions, assembled by hand, for tests that stay below the ELF layer. */
public final class Asm {
    private final ByteBuffer b = ByteBuffer.allocate(8 * 256).order(ByteOrder.LITTLE_ENDIAN);

    public Asm insn(int opcode, int dst, int src, int off, int imm) {
        b.put((byte) opcode).put((byte) ((src << 4) | dst)).putShort((short) off).putInt(imm);
        return this;
    }

    /** r{dst} = map fd (ld_imm64, BPF_PSEUDO_MAP_FD) */
    public Asm ldMapFd(int dst, int fd) {
        return insn(0x18, dst, 1, 0, fd).insn(0, 0, 0, 0, 0);
    }

    public Asm movImm(int dst, int imm) {
        return insn(0xb7, dst, 0, 0, imm);
    }

    public Asm movReg(int dst, int src) {
        return insn(0xbf, dst, src, 0, 0);
    }

    public Asm addImm(int dst, int imm) {
        return insn(0x07, dst, 0, 0, imm);
    }

    public Asm stW(int dst, int off, int imm) {
        return insn(0x62, dst, 0, off, imm);
    }

    public Asm call(int helper) {
        return insn(0x85, 0, 0, 0, helper);
    }

    public Asm jeqImm(int dst, int imm, int off) {
        return insn(0x15, dst, 0, off, imm);
    }

    /** lock *(u64 *)(dst + off) += src */
    public Asm atomicAdd64(int dst, int src, int off) {
        return insn(0xdb, dst, src, off, 0);
    }

    /** w{dst} = imm (32-bit move: the upper half is zero) */
    public Asm mov32Imm(int dst, int imm) {
        return insn(0xb4, dst, 0, 0, imm);
    }

    /** r{dst} = *(u64 *)(r{src} + off) */
    public Asm ldxDw(int dst, int src, int off) {
        return insn(0x79, dst, src, off, 0);
    }

    /** *(u64 *)(r{dst} + off) = r{src} */
    public Asm stxDw(int dst, int src, int off) {
        return insn(0x7b, dst, src, off, 0);
    }

    /** *(u32 *)(r{dst} + off) = w{src} */
    public Asm stxW(int dst, int src, int off) {
        return insn(0x63, dst, src, off, 0);
    }

    public Asm jneImm(int dst, int imm, int off) {
        return insn(0x55, dst, 0, off, imm);
    }

    public Asm ja(int off) {
        return insn(0x05, 0, 0, off, 0);
    }

    /** The index of the next instruction (jump offsets count instructions after the jump). */
    public int here() {
        return b.position() / 8;
    }

    /** Sets the offset of the jump at instruction {@code at} so that it lands on instruction {@code target}. */
    public Asm patchJump(int at, int target) {
        b.putShort(at * 8 + 2, (short) (target - at - 1));
        return this;
    }

    public Asm exit() {
        return insn(0x95, 0, 0, 0, 0);
    }

    public byte[] bytes() {
        byte[] out = new byte[b.position()];
        b.flip();
        b.get(out);
        return out;
    }
}
