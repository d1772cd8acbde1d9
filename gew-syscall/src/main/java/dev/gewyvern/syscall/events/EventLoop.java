package dev.gewyvern.syscall.events;

import java.util.ArrayList;
import java.util.List;

/**
 * One epoll set over any number of ring buffers and perf buffers, each with its handler, for one reader
 * thread: {@link #poll} waits until the kernel signals data (or {@link #wake} is called from another
 * thread), then drains what is ready. The loop owns neither the readers nor the maps; closing it closes
 * only the epoll set.
 */
public final class EventLoop implements AutoCloseable {
    /** What a token stands for: a ring buffer, or one CPU ring of a perf buffer. */
    private record Entry(RingBufferReader ring, PerfBufferReader perf, int cpuRing, EventHandler handler) {
        int drain(int max) {
            return ring != null ? ring.consume(handler, max) : perf.consume(cpuRing, handler);
        }
    }

    private final Poller poller = new Poller();
    private final List<Entry> entries = new ArrayList<>();
    private int[] ready = new int[16];

    public synchronized void add(RingBufferReader ring, EventHandler handler) {
        register(new Entry(ring, null, 0, handler), ring.map().value(), "ring buffer '" + ring.name() + "'");
    }

    public synchronized void add(PerfBufferReader perf, EventHandler handler) {
        for (int i = 0; i < perf.ringCount(); i++) {
            register(new Entry(null, perf, i, handler), perf.event(i).value(), "perf buffer '" + perf.name()
                    + "' CPU " + perf.cpu(i));
        }
    }

    private void register(Entry e, int fd, String what) {
        poller.add(fd, Poller.EPOLLIN, entries.size(), what);
        entries.add(e);
        if (ready.length < entries.size() + 1) {
            ready = new int[Math.max(ready.length * 2, entries.size() + 1)];
        }
    }

    /**
     * Waits up to {@code timeoutMs} (-1: until something arrives or {@link #wake}) and drains every source
     * the kernel marked ready. Returns the records handled (0 after a wake-up or a timeout).
     */
    public int poll(int timeoutMs) {
        int n = poller.await(ready, timeoutMs);
        int handled = 0;
        for (int i = 0; i < n; i++) {
            if (ready[i] != Poller.WAKE) {
                handled += entries.get(ready[i]).drain(Integer.MAX_VALUE);
            }
        }
        return handled;
    }

    /** Drains every source without waiting (what is left when a stream ends). */
    public int drainAll() {
        int handled = 0;
        for (Entry e : entries) {
            handled += e.drain(Integer.MAX_VALUE);
        }
        return handled;
    }

    /** Makes the current or next {@link #poll} return; callable from any thread. */
    public void wake() {
        poller.wake();
    }

    @Override
    public void close() {
        poller.close();
    }
}
