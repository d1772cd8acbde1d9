package dev.gewyvern.syscall.events;

import java.nio.ByteBuffer;

/**
 * Receives the records a reader finds, on the reader's thread. {@code data} is the reader's own buffer
 * (the kernel's pages, or a reused copy of a record that straddled the end of a perf ring): the record is
 * {@code length} bytes at {@code offset}, valid only during the call. Nothing is allocated per record.
 */
public interface EventHandler {
    /** A CPU number that is not one: records of a ring buffer, shared by every CPU, carry it. */
    int ANY_CPU = -1;

    /** One record: {@code cpu} is the perf ring's CPU, or {@link #ANY_CPU} for a ring buffer. */
    void onRecord(int cpu, ByteBuffer data, int offset, int length);

    /** The kernel dropped {@code count} records on this CPU's perf ring because it was full. */
    default void onLost(int cpu, long count) {
    }
}
