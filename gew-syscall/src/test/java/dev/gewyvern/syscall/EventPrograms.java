package dev.gewyvern.syscall;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.gewyvern.syscall.attr.NativeArg;
import dev.gewyvern.syscall.attr.ProgLoadAttr;
import dev.gewyvern.syscall.attr.ProgTestRunAttr;

/**
 * Raw tracepoint programs, assembled by hand, that write events for the reader tests when test-run
 * (BPF_PROG_TEST_RUN, on a chosen CPU): the run's context is {seq, discard}.
 */
final class EventPrograms {
    static final int RAW_TRACEPOINT = 17;
    private static final int RINGBUF_RESERVE = 131;
    private static final int RINGBUF_SUBMIT = 132;
    private static final int RINGBUF_DISCARD = 133;
    private static final int PERF_EVENT_OUTPUT = 25;
    private static final int BPF_F_TEST_RUN_ON_CPU = 1;

    private EventPrograms() {
    }

    /**
     * Reserves {@code size} bytes of the ring buffer {@code mapFd}, fills every 8-byte slot with seq, seq+1, ...
     * (a last slot shorter than 8 bytes takes the low bytes of its value), then submits it, or discards it
     * when the context's second word is not 0.
     */
    static byte[] ringEmitter(int mapFd, int size) {
        Asm a = new Asm().movReg(6, 1).ldMapFd(1, mapFd).movImm(2, size).movImm(3, 0).call(RINGBUF_RESERVE);
        int toExit = a.here();
        a.jeqImm(0, 0, 0).movReg(7, 0).ldxDw(1, 6, 0);
        for (int off = 0; off < size; off += 8) {
            if (size - off >= 8) {
                a.stxDw(7, 1, off);
            } else if (size - off >= 4) {
                a.stxW(7, 1, off);
            }
            a.addImm(1, 1);
        }
        a.ldxDw(2, 6, 8).movReg(1, 7);
        int toDiscard = a.here();
        a.jneImm(2, 0, 0).movImm(2, 0).call(RINGBUF_SUBMIT);
        int toExit2 = a.here();
        a.ja(0);
        a.patchJump(toDiscard, a.here());
        a.movImm(2, 0).call(RINGBUF_DISCARD);
        a.patchJump(toExit, a.here()).patchJump(toExit2, a.here());
        return a.movImm(0, 0).exit().bytes();
    }

    /**
     * Writes {@code size} bytes (8-byte slots seq, seq+1, ...) from the stack to the perf event array
     * {@code mapFd} at BPF_F_CURRENT_CPU; the program returns bpf_perf_event_output's result.
     */
    static byte[] perfEmitter(int mapFd, int size) {
        int buf = (size + 7) & ~7;
        Asm a = new Asm().movReg(6, 1).ldxDw(1, 6, 0);
        for (int off = 0; off < buf; off += 8) {
            a.stxDw(10, 1, -buf + off).addImm(1, 1);
        }
        return a.movReg(1, 6).ldMapFd(2, mapFd).mov32Imm(3, -1).movReg(4, 10).addImm(4, -buf).movImm(5, size)
                .call(PERF_EVENT_OUTPUT).exit().bytes();
    }

    static Fd load(byte[] insns, String name) {
        return Bpf.loadProgram(ProgLoadAttr.of(RAW_TRACEPOINT, new NativeArg.In(insns), "GPL", name), 1).fd();
    }

    /** Runs {@code prog} once on {@code cpu} with the context {seq, discard ? 1 : 0}; returns its return value. */
    static int run(Fd prog, int cpu, long seq, boolean discard) {
        byte[] ctx = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(0, seq).putLong(8, discard ? 1 : 0)
                .array();
        return Bpf.testRun(new ProgTestRunAttr(prog.value(), null, null, 0, new NativeArg.In(ctx), null,
                BPF_F_TEST_RUN_ON_CPU, cpu)).retval();
    }

    /** The slot value the emitters write at {@code offset} of event {@code seq}. */
    static long slot(long seq, int offset) {
        return seq + offset / 8;
    }
}
