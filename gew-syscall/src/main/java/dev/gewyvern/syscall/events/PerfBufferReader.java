package dev.gewyvern.syscall.events;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.syscall.kernel.KernelTypes;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.Kernel;
import dev.gewyvern.syscall.MapInfo;
import dev.gewyvern.syscall.attr.PerfEventAttr;
import dev.gewyvern.syscall.kernel.Cpus;

/**
 * Reads a perf buffer: for each online CPU below the PERF_EVENT_ARRAY's size, one
 * perf_event_open(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_BPF_OUTPUT, raw samples) on that CPU, its ring
 * (one metadata page, then a power-of-two number of data pages) mapped read-write, the event enabled, and
 * its fd stored in the map at the CPU's index, where bpf_perf_event_output(..., BPF_F_CURRENT_CPU, ...)
 * finds it. Records are read from data_tail to data_head (load-acquire); PERF_RECORD_SAMPLE hands its raw
 * bytes to the handler, PERF_RECORD_LOST the count the kernel dropped; a record that straddles the end of
 * the ring is copied into one reused buffer. data_tail is published (store-release) after each record.
 * Closing clears the map slots this reader set, then disables, unmaps and closes its events.
 */
public final class PerfBufferReader implements AutoCloseable {
    static final int PERF_RECORD_LOST = 2;
    static final int PERF_RECORD_SAMPLE = 9;
    /** struct perf_event_mmap_page: where data_head, data_tail, data_offset and data_size sit. */
    static final int DATA_HEAD = 1024;
    static final int DATA_TAIL = 1032;
    static final int DATA_OFFSET = 1040;
    static final int DATA_SIZE = 1048;
    /** _IO('$', 0) and _IO('$', 1). */
    static final long PERF_EVENT_IOC_ENABLE = 0x2400;
    static final long PERF_EVENT_IOC_DISABLE = 0x2401;
    /** A perf record's size is a __u16: no record is longer. */
    private static final int MAX_RECORD = 0xffff;

    /** How a perf buffer is opened: data pages per CPU (a power of two), and when the kernel wakes the reader. */
    public record Options(int pagesPerCpu, int wakeupEvents, int watermarkBytes) {
        public static final Options DEFAULT = new Options(64, 1, 0);

        public Options {
            if (pagesPerCpu <= 0 || Integer.bitCount(pagesPerCpu) != 1) {
                throw new IllegalArgumentException("a perf buffer's pages per CPU must be a power of two, not "
                        + pagesPerCpu);
            }
            if (wakeupEvents < 0 || watermarkBytes < 0) {
                throw new IllegalArgumentException("wakeup settings cannot be negative");
            }
        }
    }

    /** One CPU's ring. */
    private static final class Ring {
        final int cpu;
        final Fd event;
        final Mapping mapping;
        final ByteBuffer meta;
        final ByteBuffer data;
        final int size;

        Ring(int cpu, Fd event, Mapping mapping, int dataOffset, int size) {
            this.cpu = cpu;
            this.event = event;
            this.mapping = mapping;
            this.meta = mapping.bytes();
            this.data = mapping.slice(dataOffset);
            this.size = size;
        }
    }

    private final Fd map;
    private final String name;
    private final List<Ring> rings;
    private final ByteBuffer scratch = scratch();
    private boolean closed;

    private PerfBufferReader(Fd map, String name, List<Ring> rings) {
        this.map = map;
        this.name = name;
        this.rings = rings;
    }

    /** Opens one ring per online CPU for the PERF_EVENT_ARRAY {@code map} (named {@code name} in errors). */
    public static PerfBufferReader open(Fd map, String name, Options options) {
        MapInfo info = Bpf.mapInfo(map);
        if (info.mapType() != MapType.PERF_EVENT_ARRAY) {
            throw new BpfException("reading map '" + name + "' as a perf buffer", Errno.EINVAL,
                    "it is not a BPF_MAP_TYPE_PERF_EVENT_ARRAY (it is a "
                    + KernelTypes.text(MapType.class, info.type()) + ")", null);
        }
        Native n = Native.get();
        BitSet online = Cpus.online();
        PerfEventAttr attr = PerfEventAttr.bpfOutput(options.wakeupEvents(), options.watermarkBytes());
        List<Ring> rings = new ArrayList<>();
        PerfBufferReader reader = new PerfBufferReader(map, name, rings);
        try {
            for (int cpu = online.nextSetBit(0); cpu >= 0 && cpu < info.maxEntries(); cpu = online.nextSetBit(cpu + 1)) {
                Fd event = Kernel.get().perfEventOpen(attr, -1, cpu);
                Mapping m;
                try {
                    m = n.map(event.value(), (long) (1 + options.pagesPerCpu()) * n.pageSize,
                            Native.PROT_READ | Native.PROT_WRITE, 0, "perf buffer '" + name + "' ring of CPU " + cpu);
                } catch (RuntimeException e) {
                    event.close();
                    throw e;
                }
                ByteBuffer meta = m.bytes();
                long off = meta.getLong(DATA_OFFSET);
                long size = meta.getLong(DATA_SIZE);
                Ring ring = new Ring(cpu, event, m, off == 0 ? n.pageSize : (int) off,
                        size == 0 ? options.pagesPerCpu() * n.pageSize : (int) size);
                rings.add(ring);
                n.ioctl(event.value(), PERF_EVENT_IOC_ENABLE, 0, "PERF_EVENT_IOC_ENABLE of perf buffer '" + name
                        + "' CPU " + cpu);
                try {
                    Bpf.update(map, u32(cpu), u32(event.value()), 0);
                } catch (BpfException e) {
                    throw new BpfException("storing CPU " + cpu + "'s perf event in map '" + name + "'", e.errno(),
                            null, null);
                }
            }
        } catch (RuntimeException e) {
            reader.close();
            throw e;
        }
        return reader;
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    public String name() {
        return name;
    }

    public Fd map() {
        return map;
    }

    /** How many CPU rings this reader has. */
    public int ringCount() {
        return rings.size();
    }

    /** The CPU of ring {@code index}. */
    public int cpu(int index) {
        return rings.get(index).cpu;
    }

    /** The perf event fd of ring {@code index} (what to wait on for it). */
    Fd event(int index) {
        return rings.get(index).event;
    }

    /** The CPUs whose slot in the map holds this reader's event. */
    public List<Integer> cpus() {
        List<Integer> out = new ArrayList<>();
        for (Ring r : rings) {
            out.add(r.cpu);
        }
        return out;
    }

    /** Reads every waiting record of every CPU's ring; returns the samples handled. */
    public int consume(EventHandler handler) {
        int n = 0;
        for (int i = 0; i < rings.size(); i++) {
            n += consume(i, handler);
        }
        return n;
    }

    /** Reads every waiting record of ring {@code index}; returns the samples handled. */
    public int consume(int index, EventHandler handler) {
        Ring r = rings.get(index);
        return drain(name, r.cpu, r.meta, r.data, r.size, scratch, handler);
    }

    /**
     * Reads the records between data_tail and data_head of one CPU's ring ({@code meta}: its metadata page,
     * {@code data}: its {@code size} data bytes), publishing data_tail after each; returns the samples handled.
     */
    static int drain(String name, int cpu, ByteBuffer meta, ByteBuffer data, int size, ByteBuffer scratch,
                     EventHandler handler) {
        long head = (long) Ordered.LONG.getAcquire(meta, DATA_HEAD);
        long tail = meta.getLong(DATA_TAIL);
        int samples = 0;
        int mask = size - 1;
        while (tail < head) {
            int at = (int) (tail & mask);
            int type = data.getInt(at);
            int length = Short.toUnsignedInt(data.getShort(at + 6));
            if (length < 8 || length > head - tail) {
                throw new IllegalStateException("perf buffer '" + name + "' CPU " + cpu + ": a record of "
                        + length + " bytes at " + tail + " (head " + head + ")");
            }
            ByteBuffer rec = data;
            int base = at;
            if (at + length > size) {
                int first = size - at;
                scratch.put(0, data, at, first);
                scratch.put(first, data, 0, length - first);
                rec = scratch;
                base = 0;
            }
            if (type == PERF_RECORD_SAMPLE && length >= 12) {
                int raw = rec.getInt(base + 8);
                handler.onRecord(cpu, rec, base + 12, Math.max(0, Math.min(raw, length - 12)));
                samples++;
            } else if (type == PERF_RECORD_LOST && length >= 24) {
                handler.onLost(cpu, rec.getLong(base + 16));
            }
            tail += length;
            Ordered.LONG.setRelease(meta, DATA_TAIL, tail);
        }
        return samples;
    }

    /** A buffer for records that straddle the end of a ring: as long as the longest record. */
    static ByteBuffer scratch() {
        return ByteBuffer.allocateDirect(MAX_RECORD + 1).order(ByteOrder.nativeOrder());
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Native n = Native.get();
        for (Ring r : rings) {
            try {
                Bpf.delete(map, u32(r.cpu));
            } catch (BpfException e) {
                // the map is gone or the slot was taken over: nothing of ours is left in it
            }
            try {
                n.ioctl(r.event.value(), PERF_EVENT_IOC_DISABLE, 0, "PERF_EVENT_IOC_DISABLE");
            } catch (BpfException e) {
                // closing it below ends it anyway
            }
            r.mapping.close();
            r.event.close();
        }
    }
}
