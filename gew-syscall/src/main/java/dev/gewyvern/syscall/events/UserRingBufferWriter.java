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
 * Writes records into a user ring buffer (BPF_MAP_TYPE_USER_RINGBUF), which a BPF program drains with
 * bpf_user_ringbuf_drain(). The mirror of {@link RingBufferReader}: here the consumer page (the kernel's
 * position) is mapped read-only and the producer page and data area (twice) read-write. A record is
 * reserved by writing its header with the BUSY bit and publishing the producer position, filled, then
 * committed by clearing BUSY with one atomic exchange; the kernel stops draining at a busy record, so
 * records are committed in the order they were reserved. One writer at a time (the methods are
 * synchronized); the map's fd is the caller's.
 */
public final class UserRingBufferWriter implements AutoCloseable {

    private final String name;
    private final int size;
    private final long mask;
    private final Mapping consumerPage;
    private final Mapping producerAndData;
    private final ByteBuffer consumer;
    private final ByteBuffer producer;
    private final ByteBuffer data;
    private final Poller poller;
    private final int[] ready = new int[4];

    private UserRingBufferWriter(String name, int size, Mapping consumerPage, Mapping producerAndData, int page,
                                 Poller poller) {
        this.name = name;
        this.size = size;
        this.mask = size - 1L;
        this.consumerPage = consumerPage;
        this.producerAndData = producerAndData;
        this.consumer = consumerPage.bytes();
        this.producer = producerAndData.bytes();
        this.data = producerAndData.slice(page);
        this.poller = poller;
    }

    /** Maps the user ring buffer {@code map} (named {@code name} in errors) for writing. */
    public static UserRingBufferWriter open(Fd map, String name) {
        MapInfo info = Bpf.mapInfo(map);
        if (info.mapType() != MapType.USER_RINGBUF) {
            throw new BpfException("writing map '" + name + "' as a user ring buffer", Errno.EINVAL,
                    "it is not a BPF_MAP_TYPE_USER_RINGBUF (it is a "
                    + KernelTypes.text(MapType.class, info.type()) + ")", null);
        }
        Native n = Native.get();
        int page = n.pageSize;
        Mapping cons = n.map(map.value(), page, Native.PROT_READ, 0, "user ring buffer '" + name
                + "' (consumer page, read-only)");
        Mapping prod = null;
        Poller poller = null;
        try {
            prod = n.map(map.value(), page + 2L * info.maxEntries(), Native.PROT_READ | Native.PROT_WRITE, page,
                    "user ring buffer '" + name + "' (producer page and data, read-write)");
            poller = new Poller();
            poller.add(map.value(), Poller.EPOLLOUT, 0, "user ring buffer '" + name + "'");
            return new UserRingBufferWriter(name, info.maxEntries(), cons, prod, page, poller);
        } catch (RuntimeException e) {
            if (poller != null) {
                poller.close();
            }
            if (prod != null) {
                prod.close();
            }
            cons.close();
            throw e;
        }
    }

    public int size() {
        return size;
    }

    /** Space a record of {@code length} bytes takes: its header, rounded up to 8 bytes. */
    static int footprint(int length) {
        return (length + RingBufferReader.HEADER_SIZE + 7) & ~7;
    }

    /**
     * Writes {@code length} bytes of {@code src} from {@code offset} as one record; false when the ring
     * has no room for it now (the BPF side has not drained enough yet).
     */
    public synchronized boolean offer(byte[] src, int offset, int length) {
        if (length < 0 || (length & (RingBufferReader.BUSY_BIT | RingBufferReader.DISCARD_BIT)) != 0
                || footprint(length) > size) {
            throw new BpfException("a record of " + length + " bytes for user ring buffer '" + name + "'", Errno.E2BIG,
                    "the ring holds " + size + " bytes, headers included", null);
        }
        long cons = (long) Ordered.LONG.getAcquire(consumer, 0);
        long prod = (long) Ordered.LONG.getAcquire(producer, 0);
        int total = footprint(length);
        if (size - (prod - cons) < total) {
            return false;
        }
        int at = (int) (prod & mask);
        data.putInt(at + 4, 0);
        data.putInt(at, length | RingBufferReader.BUSY_BIT);
        Ordered.LONG.setRelease(producer, 0, prod + total);
        data.put(at + RingBufferReader.HEADER_SIZE, src, offset, length);
        Ordered.INT.getAndSet(data, at, length); // commit: BUSY cleared, the record's bytes published before it
        return true;
    }

    /** As {@link #offer(byte[], int, int)}, waiting up to {@code timeoutMs} for the BPF side to make room. */
    public boolean offer(byte[] src, int offset, int length, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            if (offer(src, offset, length)) {
                return true;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            poller.await(ready, (int) Math.min(left, Integer.MAX_VALUE));
        }
    }

    /** Bytes written and not yet drained by the BPF side. */
    public long pending() {
        return (long) Ordered.LONG.getAcquire(producer, 0) - (long) Ordered.LONG.getAcquire(consumer, 0);
    }

    @Override
    public synchronized void close() {
        poller.close();
        producerAndData.close();
        consumerPage.close();
    }
}
