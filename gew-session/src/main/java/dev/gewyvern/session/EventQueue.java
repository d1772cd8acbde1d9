package dev.gewyvern.session;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The hand-over from the one thread that reads the kernel's rings to the one that decodes and delivers:
 * a bounded ring of record slots, each made the first time it is used and grown only when a record is larger
 * than any it held before, so reading allocates nothing per record once the queue has been round, and a
 * large queue costs memory only as far as it has ever filled. When it is full the reader drops the record (its caller counts
 * it) instead of waiting: a slow consumer never holds up the rings.
 */
final class EventQueue {
    private final byte[][] data;
    private final int[] length;
    private final int[] source;
    private final int[] cpu;
    private final long[] unixNs;
    private final int mask;
    /** Next slot the reader fills; next slot the deliverer takes. Each written by one thread only. */
    private final AtomicLong tail = new AtomicLong();
    private final AtomicLong head = new AtomicLong();
    private volatile Thread waiting;

    EventQueue(int capacity) {
        int n = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        data = new byte[n][];
        length = new int[n];
        source = new int[n];
        cpu = new int[n];
        unixNs = new long[n];
        mask = n - 1;
    }

    int capacity() {
        return mask + 1;
    }

    /** Copies a record in (the reader's thread); false when the queue is full. */
    boolean offer(int src, int onCpu, long at, ByteBuffer from, int offset, int len) {
        long t = tail.get();
        if (t - head.get() > mask) {
            return false;
        }
        int i = (int) (t & mask);
        if (data[i] == null || data[i].length < len) {
            data[i] = new byte[Math.max(128, Integer.highestOneBit(Math.max(len - 1, 1)) << 1)];
        }
        from.get(offset, data[i], 0, len);
        length[i] = len;
        source[i] = src;
        cpu[i] = onCpu;
        unixNs[i] = at;
        tail.lazySet(t + 1);
        Thread w = waiting;
        if (w != null) {
            LockSupport.unpark(w);
        }
        return true;
    }

    /** What the deliverer is handed: one record, valid until the next call. */
    interface Taker {
        void take(int source, int cpu, long unixNs, byte[] data, int length);
    }

    /**
     * Hands every waiting record to {@code taker} (the deliverer's thread), waiting up to {@code timeoutNanos}
     * for the first; returns how many.
     */
    int drain(Taker taker, long timeoutNanos) {
        long h = head.get();
        if (tail.get() == h && timeoutNanos > 0) {
            waiting = Thread.currentThread();
            if (tail.get() == h) {
                LockSupport.parkNanos(this, timeoutNanos);
            }
            waiting = null;
        }
        long t = tail.get();
        int n = 0;
        while (h < t) {
            int i = (int) (h & mask);
            taker.take(source[i], cpu[i], unixNs[i], data[i], length[i]);
            h++;
            head.lazySet(h);
            n++;
        }
        return n;
    }

    boolean isEmpty() {
        return tail.get() == head.get();
    }
}
