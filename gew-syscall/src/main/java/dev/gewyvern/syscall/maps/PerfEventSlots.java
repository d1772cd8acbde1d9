package dev.gewyvern.syscall.maps;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;
import java.util.List;

import dev.gewyvern.elf.Insn;
import dev.gewyvern.elf.uapi.ProgType;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.attr.NativeArg;
import dev.gewyvern.syscall.attr.ProgLoadAttr;
import dev.gewyvern.syscall.attr.ProgTestRunAttr;

/**
 * Which slots of a PERF_EVENT_ARRAY hold a perf event. User space cannot look them up (the kernel answers
 * ENOTSUPP), so a throwaway raw tracepoint program asks from the inside: it calls
 * bpf_perf_event_read_value(map, index, ...), test-run once per slot, which fails with ENOENT exactly when
 * the slot is empty (and otherwise reads the counter, or refuses an event on another CPU). Nothing is
 * written; the program is closed at once.
 */
public final class PerfEventSlots {
    private static final int PERF_EVENT_READ_VALUE = 55;
    /** struct bpf_perf_event_value: counter, enabled, running. */
    private static final int VALUE_SIZE = 24;

    private PerfEventSlots() {
    }

    /** The indexes below {@code maxEntries} whose slot holds an event. */
    public static BitSet occupied(Fd map, int maxEntries) {
        List<Insn> code = List.of(
                new Insn(0xbf, 6, 1, 0, 0),                             // r6 = ctx
                new Insn(0x79, 2, 6, 0, 0),                             // r2 = ctx->args[0]: the index
                new Insn(Insn.LD_IMM64, 1, Insn.PSEUDO_MAP_FD, 0, map.value()), // r1 = map
                new Insn(0, 0, 0, 0, 0),
                new Insn(0xbf, 3, 10, 0, 0),                            // r3 = fp - 24
                new Insn(0x07, 3, 0, 0, -VALUE_SIZE),
                new Insn(0xb7, 4, 0, 0, VALUE_SIZE),                    // r4 = 24
                new Insn(Insn.CALL, 0, 0, 0, PERF_EVENT_READ_VALUE),
                new Insn(Insn.EXIT, 0, 0, 0, 0));
        byte[] insns = Insn.encodeAll(code, ByteOrder.nativeOrder());
        BitSet out = new BitSet();
        try (Fd prog = Bpf.loadProgram(ProgLoadAttr.of(ProgType.RAW_TRACEPOINT, new NativeArg.In(insns), "GPL",
                "gew_perf_slots"), 1).fd()) {
            byte[] ctx = new byte[8];
            for (int i = 0; i < maxEntries; i++) {
                ByteBuffer.wrap(ctx).order(ByteOrder.nativeOrder()).putLong(0, i);
                if (Bpf.testRun(ProgTestRunAttr.withContext(prog.value(), ctx)).retval() != -Errno.ENOENT) {
                    out.set(i);
                }
            }
        }
        return out;
    }
}
