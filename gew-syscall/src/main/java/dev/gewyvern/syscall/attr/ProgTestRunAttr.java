package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

/**
 * BPF_PROG_TEST_RUN: runs a loaded program once ({@code repeat} times) in the kernel on {@code dataIn}
 * (packet programs) and/or the context {@code ctxIn} (raw_tp, syscall, ... programs), without attaching
 * it. {@code dataOut} and {@code ctxOut} receive what the program left there; null buffers are absent.
 */
public record ProgTestRunAttr(int progFd, NativeArg dataIn, NativeArg dataOut, int repeat, NativeArg ctxIn,
                              NativeArg ctxOut, int flags, int cpu) implements BpfAttr {
    static final AttrField PROG_FD = f("prog_fd", 0, 4);
    static final AttrField RETVAL = f("retval", 4, 4);
    static final AttrField DATA_SIZE_IN = f("data_size_in", 8, 4);
    static final AttrField DATA_SIZE_OUT = f("data_size_out", 12, 4);
    static final AttrField DATA_IN = f("data_in", 16, 8);
    static final AttrField DATA_OUT = f("data_out", 24, 8);
    static final AttrField REPEAT = f("repeat", 32, 4);
    static final AttrField DURATION = f("duration", 36, 4);
    static final AttrField CTX_SIZE_IN = f("ctx_size_in", 40, 4);
    static final AttrField CTX_SIZE_OUT = f("ctx_size_out", 44, 4);
    static final AttrField CTX_IN = f("ctx_in", 48, 8);
    static final AttrField CTX_OUT = f("ctx_out", 56, 8);
    static final AttrField FLAGS = f("flags", 64, 4);
    static final AttrField CPU = f("cpu", 68, 4);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", "test", List.of(PROG_FD, RETVAL, DATA_SIZE_IN,
            DATA_SIZE_OUT, DATA_IN, DATA_OUT, REPEAT, DURATION, CTX_SIZE_IN, CTX_SIZE_OUT, CTX_IN, CTX_OUT, FLAGS, CPU));

    /** A run of a program that takes only a context (or none): raw_tp, syscall, tracing programs. */
    public static ProgTestRunAttr withContext(int progFd, byte[] ctx) {
        return new ProgTestRunAttr(progFd, null, null, 0, ctx == null ? null : new NativeArg.In(ctx), null, 0, 0);
    }

    public BpfCommand command() {
        return BpfCommand.BPF_PROG_TEST_RUN;
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    public void encode(AttrBuffer out) {
        out.u32(PROG_FD, progFd)
                .u32(DATA_SIZE_IN, size(dataIn)).u32(DATA_SIZE_OUT, size(dataOut))
                .ptr(DATA_IN, dataIn).ptr(DATA_OUT, dataOut).u32(REPEAT, repeat)
                .u32(CTX_SIZE_IN, size(ctxIn)).u32(CTX_SIZE_OUT, size(ctxOut))
                .ptr(CTX_IN, ctxIn).ptr(CTX_OUT, ctxOut).u32(FLAGS, flags).u32(CPU, cpu);
    }

    private static int size(NativeArg a) {
        return a == null ? 0 : a.size();
    }

    public static int retvalOffset() {
        return RETVAL.offset();
    }

    public static int durationOffset() {
        return DURATION.offset();
    }

    public static int dataSizeOutOffset() {
        return DATA_SIZE_OUT.offset();
    }

    public static int ctxSizeOutOffset() {
        return CTX_SIZE_OUT.offset();
    }
}
