package dev.gewyvern.syscall;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.gewyvern.syscall.attr.NativeArg;
import dev.gewyvern.syscall.attr.ProgLoadAttr;

/**
 * A throwaway BPF_PROG_LOAD made by a capability probe: its result is kept as evidence (the errno and the
 * verifier's first lines) and any program the kernel returned is closed at once.
 */
record ProbeProgram(int fd, int errno, String log) {
    static final int LOG_SIZE = 4096;

    boolean loaded() {
        return fd >= 0;
    }

    /** Loads {@code insns} as a program of {@code progType} with a small level-1 log, and closes it. */
    static ProbeProgram load(int progType, int expectedAttachType, byte[] insns, int kernVersion, int progFlags,
                             int attachBtfId) {
        NativeArg.Out log = new NativeArg.Out(LOG_SIZE);
        ProgLoadAttr attr = ProgLoadAttr.of(progType, new NativeArg.In(insns), "GPL", "gew_probe")
                .withExpectedAttachType(expectedAttachType).withVersionAndFlags(kernVersion, progFlags)
                .withAttachBtf(attachBtfId, 0).withLog(1, log);
        Kernel.Result r = Kernel.get().bpf(attr);
        String text = VerifierLog.text(r.output(log));
        if (r.value() >= 0) {
            new Fd((int) r.value(), "prog").close();
            return new ProbeProgram((int) r.value(), 0, text);
        }
        return new ProbeProgram(-1, r.errno(), text);
    }

    /** The errno, and the log's first line when it has one. */
    String evidence() {
        String first = log.isEmpty() ? "empty verifier log" : "log: " + firstLines(log);
        return Errno.name(errno) + ", " + first;
    }

    private static String firstLines(String log) {
        String[] lines = log.split("\n");
        String last = lines[lines.length - 1];
        for (String l : lines) {
            if (l.contains("func") || l.contains("attach") || l.contains("helper") || l.contains("replace")) {
                return l.strip();
            }
        }
        return last.strip();
    }

    /** Hand-assembled instructions, in the host's byte order. */
    static final class Insns {
        private final ByteBuffer b = ByteBuffer.allocate(8 * 16).order(ByteOrder.nativeOrder());

        Insns insn(int opcode, int dst, int src, int off, int imm) {
            byte regs = (byte) (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? (src << 4) | dst : (dst << 4) | src);
            b.put((byte) opcode).put(regs).putShort((short) off).putInt(imm);
            return this;
        }

        /** r0 = 0; exit */
        static byte[] returnZero() {
            return new Insns().insn(0xb7, 0, 0, 0, 0).insn(0x95, 0, 0, 0, 0).bytes();
        }

        /** call helper; exit */
        static byte[] callHelper(int helper) {
            return new Insns().insn(0x85, 0, 0, 0, helper).insn(0x95, 0, 0, 0, 0).bytes();
        }

        byte[] bytes() {
            byte[] out = new byte[b.position()];
            b.flip();
            b.get(out);
            return out;
        }
    }
}
