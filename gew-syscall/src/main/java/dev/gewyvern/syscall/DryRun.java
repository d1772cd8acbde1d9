package dev.gewyvern.syscall;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.gewyvern.syscall.attr.BpfAttr;
import dev.gewyvern.syscall.attr.NativeArg;
import dev.gewyvern.syscall.attr.PointerSpace;

/**
 * A dry run: while {@link #record} runs its body on this thread, the kernel calls gewyvern would make
 * (bpf(2) and perf_event_open) are written down as their decoded attr values instead of being made.
 * Each answers success, with a placeholder file descriptor (1000000 and up, never a real one) and zeroed
 * output buffers. Reads of files (tracefs ids, kernel BTF, /proc) stay real: they change nothing.
 */
public final class DryRun {
    static final int FIRST_FD = 1_000_000;
    private static final ThreadLocal<DryRun> ACTIVE = new ThreadLocal<>();

    private final List<String> calls = new ArrayList<>();
    private int nextFd = FIRST_FD;

    private DryRun() {
    }

    /** Runs {@code body} recording instead of calling the kernel; returns the calls it would have made. */
    public static List<String> record(Supplier<?> body) {
        DryRun d = new DryRun();
        DryRun outer = ACTIVE.get();
        ACTIVE.set(d);
        try {
            body.get();
        } finally {
            if (outer == null) {
                ACTIVE.remove();
            } else {
                ACTIVE.set(outer);
            }
        }
        return List.copyOf(d.calls);
    }

    /** Whether a dry run is recording on this thread (what is read from the kernel then is placeholders). */
    public static boolean recording() {
        return ACTIVE.get() != null;
    }

    static DryRun active() {
        return ACTIVE.get();
    }

    /**
     * Runs {@code body} on this thread as part of {@code dry} (null: no dry run), for work the recording thread
     * hands to another and waits for (a call made from inside a network namespace): its calls are written down
     * in order with the rest.
     */
    static void within(DryRun dry, Runnable body) {
        if (dry == null) {
            body.run();
            return;
        }
        ACTIVE.set(dry);
        try {
            body.run();
        } finally {
            ACTIVE.remove();
        }
    }

    static boolean placeholder(int fd) {
        return fd >= FIRST_FD;
    }

    Kernel.Result bpf(BpfAttr attr) {
        calls.add(attr.command().name() + " " + RecordText.of(attr));
        Map<NativeArg, byte[]> outs = new IdentityHashMap<>();
        PointerSpace fake = new PointerSpace() {
            private long next = 0x1000;

            public long address(NativeArg arg) {
                if (!(arg instanceof NativeArg.In)) {
                    outs.put(arg, new byte[arg.size()]);
                }
                return next += 0x1000;
            }
        };
        byte[] bytes = attr.encode(fake);
        return new Kernel.Result(nextFd++, 0, bytes, outs);
    }

    Fd perfEvent(String what) {
        calls.add("perf_event_open " + what);
        return new Fd(nextFd++, "perf_event");
    }
}
