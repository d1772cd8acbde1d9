package dev.gewyvern.syscall.events;

import java.nio.ByteBuffer;

import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.syscall.kernel.KernelTypes;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.MapInfo;

/**
 * Reads a BPF ring buffer (BPF_MAP_TYPE_RINGBUF) as the kernel lays it out for user space: the consumer
 * page mapped read-write at offset 0, then the producer page and the data area, mapped read-only, with
 * the data area mapped twice in a row so that a record that wraps around the end reads as one piece.
 * Every record starts with an 8-byte header whose first word is its length with two flags: BUSY (reserved,
 * not yet committed: reading stops there) and DISCARD (skipped, but its space is consumed); records are
 * 8-byte aligned. The consumer position is published (store-release) after each record is handled, so
 * the kernel reuses only space whose record is done. The map's fd is the caller's; closing the reader
 * unmaps its pages and leaves the map alone.
 */
public final class RingBufferReader implements AutoCloseable {
    static final int BUSY_BIT = 1 << 31;
    static final int DISCARD_BIT = 1 << 30;
    static final int HEADER_SIZE = 8;

    private final Fd map;
    private final String name;
    private final Mapping consumerPage;
    private final Mapping producerAndData;
    private final ByteBuffer consumer;
    private final ByteBuffer producer;
    private final ByteBuffer data;
    private final long mask;
    private final int size;

    private RingBufferReader(Fd map, String name, int size, Mapping consumerPage, Mapping producerAndData, int page) {
        this(map, name, size, consumerPage, producerAndData, consumerPage.bytes(), producerAndData.bytes(),
                producerAndData.slice(page));
    }

    /** A reader over given buffers: the consumer and producer positions at offset 0, the data area twice. */
    RingBufferReader(Fd map, String name, int size, Mapping consumerPage, Mapping producerAndData, ByteBuffer consumer,
                     ByteBuffer producer, ByteBuffer data) {
        if (size <= 0 || Integer.bitCount(size) != 1 || data.capacity() < 2L * size) {
            throw new IllegalArgumentException("a ring buffer of " + size + " bytes over " + data.capacity());
        }
        this.map = map;
        this.name = name;
        this.size = size;
        this.mask = size - 1L;
        this.consumerPage = consumerPage;
        this.producerAndData = producerAndData;
        this.consumer = consumer;
        this.producer = producer;
        this.data = data;
    }

    /** Maps the ring buffer {@code map} (named {@code name} in errors) for reading. */
    public static RingBufferReader open(Fd map, String name) {
        MapInfo info = Bpf.mapInfo(map);
        if (info.mapType() != MapType.RINGBUF) {
            throw new BpfException("reading map '" + name + "' as a ring buffer", Errno.EINVAL,
                    "it is not a BPF_MAP_TYPE_RINGBUF (it is a "
                    + KernelTypes.text(MapType.class, info.type()) + ")", null);
        }
        Native n = Native.get();
        int page = n.pageSize;
        int size = info.maxEntries();
        Mapping cons = n.map(map.value(), page, Native.PROT_READ | Native.PROT_WRITE, 0,
                "ring buffer '" + name + "' (consumer page, read-write)");
        try {
            Mapping prod = n.map(map.value(), page + 2L * size, Native.PROT_READ, page,
                    "ring buffer '" + name + "' (producer page and data, read-only)");
            return new RingBufferReader(map, name, size, cons, prod, page);
        } catch (RuntimeException e) {
            cons.close();
            throw e;
        }
    }

    /** The ring's size in bytes (its max_entries). */
    public int size() {
        return size;
    }

    public String name() {
        return name;
    }

    public Fd map() {
        return map;
    }

    public long consumerPosition() {
        return (long) Ordered.LONG.getAcquire(consumer, 0);
    }

    public long producerPosition() {
        return (long) Ordered.LONG.getAcquire(producer, 0);
    }

    /**
     * Hands every committed record to {@code handler}, up to {@code max} of them, and returns how many it
     * handled (discarded records are consumed without a call). Stops at a record still being written.
     */
    public int consume(EventHandler handler, int max) {
        long cons = (long) Ordered.LONG.getAcquire(consumer, 0);
        int handled = 0;
        boolean more = true;
        while (more) {
            more = false;
            long prod = (long) Ordered.LONG.getAcquire(producer, 0);
            while (cons < prod) {
                int at = (int) (cons & mask);
                int header = (int) Ordered.INT.getAcquire(data, at);
                if ((header & BUSY_BIT) != 0) {
                    return handled;
                }
                int length = header & ~(BUSY_BIT | DISCARD_BIT);
                if (length > size - HEADER_SIZE) {
                    throw new IllegalStateException("ring buffer '" + name + "': a record at position " + cons
                            + " claims " + length + " bytes in a " + size + "-byte ring");
                }
                long next = cons + ((length + HEADER_SIZE + 7) & ~7);
                if ((header & DISCARD_BIT) == 0) {
                    handler.onRecord(EventHandler.ANY_CPU, data, at + HEADER_SIZE, length);
                    handled++;
                }
                cons = next;
                Ordered.LONG.setRelease(consumer, 0, cons);
                more = true;
                if (handled >= max) {
                    return handled;
                }
            }
        }
        return handled;
    }

    /** Where a ring buffer's producer and consumer stand, read through a read-only mapping of its two pages. */
    public record Positions(int size, long consumer, long producer) {
        /** Bytes written and not yet consumed. */
        public long pending() {
            return producer - consumer;
        }
    }

    /** A look at a ring buffer's positions without consuming anything (for `gew session show`). */
    public static Positions positions(Fd map, int size) {
        Native n = Native.get();
        try (Mapping pages = n.map(map.value(), 2L * n.pageSize, Native.PROT_READ, 0,
                "ring buffer positions (read-only)")) {
            ByteBuffer b = pages.bytes();
            return new Positions(size, (long) Ordered.LONG.getAcquire(b, 0),
                    (long) Ordered.LONG.getAcquire(b, n.pageSize));
        }
    }

    @Override
    public void close() {
        if (producerAndData != null) {
            producerAndData.close();
            consumerPage.close();
        }
    }
}
