package dev.gewyvern.syscall;

import java.nio.charset.StandardCharsets;

import com.kenai.jffi.MemoryIO;

/**
 * A block of native memory that gewyvern hands to a system call (an attr, a buffer the kernel fills, a
 * C string), zeroed when allocated and freed when closed. A null string is the null pointer.
 */
final class NativeMemory implements AutoCloseable {
    private static final MemoryIO IO = MemoryIO.getInstance();

    private final long address;
    private final int size;
    private boolean freed;

    private NativeMemory(long address, int size) {
        this.address = address;
        this.size = size;
    }

    /** {@code size} zeroed bytes (at least one, so the address is never null). */
    static NativeMemory allocate(int size) {
        long a = IO.allocateMemory(Math.max(size, 1), true);
        if (a == 0) {
            throw new OutOfMemoryError("cannot allocate " + size + " bytes of native memory");
        }
        return new NativeMemory(a, size);
    }

    /** A copy of {@code bytes}. */
    static NativeMemory of(byte[] bytes) {
        NativeMemory m = allocate(bytes.length);
        IO.putByteArray(m.address, bytes, 0, bytes.length);
        return m;
    }

    /** A NUL-terminated UTF-8 copy of {@code s}, or the null pointer when {@code s} is null. */
    static NativeMemory cString(String s) {
        if (s == null) {
            return new NativeMemory(0, 0);
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return of(java.util.Arrays.copyOf(b, b.length + 1));
    }

    long address() {
        return address;
    }

    int size() {
        return size;
    }

    /** The block's bytes now. */
    byte[] bytes() {
        byte[] b = new byte[size];
        IO.getByteArray(address, b, 0, size);
        return b;
    }

    long getLong(int offset) {
        return IO.getLong(address + offset);
    }

    void putLong(int offset, long value) {
        IO.putLong(address + offset, value);
    }

    @Override
    public void close() {
        if (!freed && address != 0) {
            freed = true;
            IO.freeMemory(address);
        }
    }
}
