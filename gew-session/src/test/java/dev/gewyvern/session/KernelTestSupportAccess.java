package dev.gewyvern.session;

import java.nio.file.Path;

/** Lets tests in sub-packages use the package's kernel test support. */
public final class KernelTestSupportAccess {
    private KernelTestSupportAccess() {
    }

    public static void requireBpf() {
        KernelTestSupport.requireBpf();
    }

    /** Whether the instance holds no session, committed or staged. */
    public static boolean holdsNothing(String instanceId) {
        PinRoot root = new PinRoot(PinRoot.DEFAULT);
        return PinRoot.childFolders(root.sessions(instanceId)).isEmpty()
                && PinRoot.childFolders(root.instance(instanceId).resolve("staging")).isEmpty();
    }

    public static Path testdata(String relative) {
        return KernelTestSupport.testdata(relative);
    }

    /** testdata's events.bpf.o, its two programs loaded and pinned, attached to nothing. */
    public static dev.gewyvern.proto.v1.Pipeline eventsPipeline() {
        return EventsKernelTest.loadOnly();
    }

    /**
     * Runs the `emit` program of an events session once on {@code cpu}: {@code count} events from seq
     * {@code first} into the ring buffer (which bit 0) and/or the perf buffer (bit 1).
     */
    public static void emit(String instanceId, String sessionId, int cpu, long count, long first, int which) {
        PinRoot root = new PinRoot(PinRoot.DEFAULT);
        try (dev.gewyvern.syscall.Fd prog = dev.gewyvern.syscall.Bpf.get(root.session(instanceId, sessionId)
                .resolve(PinRoot.PROGS).resolve("emit").toString(), "prog")) {
            EventsKernelTest.emit(prog, cpu, count, first, which, 0);
        }
    }
}
