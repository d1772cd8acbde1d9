package dev.gewyvern.syscall;

/** A file descriptor the kernel gave us (a map, program, link, BTF or perf event); closed once. */
public final class Fd implements AutoCloseable {
    private final int value;
    private final String what;
    private boolean closed;

    public Fd(int value, String what) {
        this.value = value;
        this.what = what;
    }

    public int value() {
        if (closed) {
            throw new IllegalStateException(what + " fd " + value + " is already closed");
        }
        return value;
    }

    public String what() {
        return what;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Kernel.get().close(value);
        }
    }

    @Override
    public String toString() {
        return what + "(fd " + value + (closed ? ", closed" : "") + ")";
    }
}
