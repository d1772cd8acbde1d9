package dev.gewyvern.syscall.probes;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.Kernel;
import dev.gewyvern.syscall.VerifierLog;
import dev.gewyvern.syscall.attr.NativeArg;
import dev.gewyvern.syscall.attr.ProgLoadAttr;

/**
 * A throwaway BPF_PROG_LOAD made by a capability probe: its result is kept as evidence (the errno and the
 * verifier's first lines) and any program the kernel returned is closed at once. Public for the loader's own
 * probes outside this package (libbpf's feature probes, the memlock check), which load the same way.
 */
public record ProbeProgram(int fd, int errno, String log) {
    static final int LOG_SIZE = 4096;
    static final int BPF_F_SLEEPABLE = 1 << 4;

    public boolean loaded() {
        return fd >= 0;
    }

    /** Loads {@code insns} as a program of {@code progType} with a small level-1 log, and closes it. */
    public static ProbeProgram load(int progType, int expectedAttachType, byte[] insns, int kernVersion, int progFlags,
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

    /**
     * Loads {@code insns} as a program of {@code progType} and keeps it open, for a probe that goes on to link
     * it (and closes it); a refusal throws, with the verifier's reason.
     */
    static Fd loadKept(int progType, int expectedAttachType, byte[] insns) {
        NativeArg.Out log = new NativeArg.Out(LOG_SIZE);
        ProgLoadAttr attr = new ProgLoadAttr(progType, expectedAttachType, new NativeArg.In(insns), "GPL", "gew_probe",
                0, 0, 1, log, 0, null, null, 0, 0);
        Kernel.Result r = Kernel.get().bpf(attr);
        if (r.value() >= 0) {
            return new Fd((int) r.value(), "prog");
        }
        String reason = VerifierLog.reason(VerifierLog.text(r.output(log)));
        throw new BpfException("BPF_PROG_LOAD of a probe program", r.errno(), reason.isEmpty() ? null : reason, null);
    }

    /** The errno, and the verifier's reason when the log has one (never its statistics line). */
    String evidence() {
        String reason = VerifierLog.reason(log);
        return Errno.name(errno) + ", " + (reason.isEmpty() ? "empty verifier log" : "log: " + reason);
    }

    /** Hand-assembled instructions, in the host's byte order. */
    public static final class Insns {
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
        public static byte[] callHelper(int helper) {
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
