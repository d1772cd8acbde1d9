package dev.gewyvern.syscall.events;

import java.nio.ByteBuffer;

/**
 * A shared mapping of a kernel object (a ring buffer's pages, a perf event's ring): its bytes as a direct
 * buffer in the host's byte order, valid until {@link #close}, which unmaps it once.
 */
final class Mapping implements AutoCloseable {
    private final Native natives;
    private final long address;
    private final long length;
    private final ByteBuffer bytes;
    private boolean closed;

    Mapping(Native natives, long address, long length, ByteBuffer bytes) {
        this.natives = natives;
        this.address = address;
        this.length = length;
        this.bytes = bytes;
    }

    ByteBuffer bytes() {
        return bytes;
    }

    /** The bytes from {@code offset} to the end, as their own buffer (made once, at open, not per record). */
    ByteBuffer slice(int offset) {
        return bytes.slice(offset, bytes.capacity() - offset).order(bytes.order());
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            natives.unmap(address, length);
        }
    }
}
