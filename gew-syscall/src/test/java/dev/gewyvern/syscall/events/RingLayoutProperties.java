package dev.gewyvern.syscall.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The readers' record walks against rings written the way the kernel writes them, in plain memory: ring
 * buffer records of every length with BUSY and DISCARD headers, wrapping the end of a data area that is
 * mapped twice; perf samples and LOST records that straddle the end of a ring. Whatever the lengths and
 * the interleaving of writing and reading, the reader hands over exactly the records, in order, and
 * publishes exactly the positions it has read past.
 */
class RingLayoutProperties {

    record Rec(byte[] bytes, boolean discard) {}

    @Provide
    Arbitrary<List<Rec>> records() {
        Arbitrary<Rec> rec = Combinators.combine(Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
                Arbitraries.integers().between(0, 4).map(i -> i == 0)).as(Rec::new);
        return rec.list().ofMaxSize(120);
    }

    /** A ring buffer as the kernel lays it out in user space: the data area twice, so writes go to both. */
    static final class KernelRing {
        final int size;
        final ByteBuffer consumer = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
        final ByteBuffer producer = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
        final ByteBuffer data;

        KernelRing(int size) {
            this.size = size;
            this.data = ByteBuffer.allocateDirect(2 * size).order(ByteOrder.nativeOrder());
        }

        void put(long pos, byte b) {
            int at = (int) (pos & (size - 1));
            data.put(at, b);
            data.put(at + size, b);
        }

        void putInt(long pos, int v) {
            for (int i = 0; i < 4; i++) {
                put(pos + i, (byte) (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? v >>> (8 * i)
                        : v >>> (24 - 8 * i)));
            }
        }

        /** Writes a record if it fits; returns its position, or -1. */
        long write(Rec r, boolean busy) {
            long prod = producer.getLong(0);
            int total = (r.bytes().length + 8 + 7) & ~7;
            if (size - (prod - consumer.getLong(0)) < total) {
                return -1;
            }
            for (int i = 0; i < r.bytes().length; i++) {
                put(prod + 8 + i, r.bytes()[i]);
            }
            putInt(prod, r.bytes().length | (busy ? RingBufferReader.BUSY_BIT : 0)
                    | (r.discard() ? RingBufferReader.DISCARD_BIT : 0));
            producer.putLong(0, prod + total);
            return prod;
        }
    }

    @Property(tries = 300)
    void theRingBufferReaderHandsOverEveryCommittedRecordOnceInOrder(@ForAll("records") List<Rec> records,
            @ForAll @IntRange(min = 0, max = 3) int sizeShift, @ForAll @IntRange(min = 1, max = 7) int batch) {
        KernelRing ring = new KernelRing(1024 << sizeShift);
        RingBufferReader reader = new RingBufferReader(null, "rb", ring.size, null, null, ring.consumer, ring.producer,
                ring.data);
        List<byte[]> got = new ArrayList<>();
        EventHandler h = (cpu, data, off, len) -> {
            byte[] b = new byte[len];
            data.get(off, b);
            got.add(b);
        };
        List<byte[]> want = new ArrayList<>();
        int i = 0;
        while (i < records.size()) {
            // write up to `batch` records, the last of them left busy (reserved, not committed) for a while
            long busyAt = -1;
            int written = 0;
            while (written < batch && i < records.size()) {
                boolean busy = written == batch - 1;
                long at = ring.write(records.get(i), busy);
                if (at < 0) {
                    break;
                }
                if (busy) {
                    busyAt = at;
                }
                if (!records.get(i).discard()) {
                    want.add(records.get(i).bytes());
                }
                written++;
                i++;
            }
            reader.consume(h, Integer.MAX_VALUE);
            if (busyAt >= 0) {
                assertEquals(busyAt, ring.consumer.getLong(0), "the reader stops at the busy record");
                int header = ring.data.getInt((int) (busyAt & (ring.size - 1)));
                ring.putInt(busyAt, header & ~RingBufferReader.BUSY_BIT); // commit it
            }
            reader.consume(h, Integer.MAX_VALUE);
            assertEquals(ring.producer.getLong(0), ring.consumer.getLong(0), "everything committed is consumed");
            if (written == 0) {
                break; // a record larger than the whole ring: the kernel would refuse to reserve it
            }
        }
        assertEquals(want.size(), got.size());
        for (int k = 0; k < want.size(); k++) {
            assertArrayEquals(want.get(k), got.get(k), "record " + k);
        }
    }

    record Sample(byte[] raw, long lost) {}

    @Provide
    Arbitrary<List<Sample>> samples() {
        Arbitrary<Sample> sample = Arbitraries.bytes().array(byte[].class).ofMaxSize(400).map(b -> new Sample(b, 0));
        Arbitrary<Sample> lost = Arbitraries.longs().between(1, 1_000_000).map(n -> new Sample(null, n));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, sample), net.jqwik.api.Tuple.of(1, lost)).list()
                .ofMaxSize(100);
    }

    @Property(tries = 300)
    void thePerfReaderReassemblesRecordsAcrossTheEndOfItsRing(@ForAll("samples") List<Sample> samples,
            @ForAll @IntRange(min = 0, max = 3) int sizeShift, @ForAll @IntRange(min = 1, max = 9) int batch) {
        int size = 512 << sizeShift;
        ByteBuffer meta = ByteBuffer.allocateDirect(4096).order(ByteOrder.nativeOrder());
        ByteBuffer data = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
        ByteBuffer scratch = PerfBufferReader.scratch();
        List<Sample> got = new ArrayList<>();
        EventHandler h = new EventHandler() {
            public void onRecord(int cpu, ByteBuffer d, int off, int len) {
                byte[] b = new byte[len];
                d.get(off, b);
                got.add(new Sample(b, 0));
            }

            public void onLost(int cpu, long count) {
                got.add(new Sample(null, count));
            }
        };
        List<Sample> want = new ArrayList<>();
        int i = 0;
        while (i < samples.size()) {
            for (int w = 0; w < batch && i < samples.size(); w++, i++) {
                Sample s = samples.get(i);
                // the kernel pads a sample's raw part so that its u32 size and the data end on 8 bytes
                int raw = s.raw() == null ? 0 : ((s.raw().length + 4 + 7) & ~7) - 4;
                int length = s.raw() == null ? 24 : 12 + raw;
                long head = meta.getLong(PerfBufferReader.DATA_HEAD);
                if (length > size - (head - meta.getLong(PerfBufferReader.DATA_TAIL))) {
                    break;
                }
                ByteBuffer rec = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
                rec.putInt(0, s.raw() == null ? PerfBufferReader.PERF_RECORD_LOST : PerfBufferReader.PERF_RECORD_SAMPLE);
                rec.putShort(6, (short) length);
                if (s.raw() == null) {
                    rec.putLong(8, 77).putLong(16, s.lost());
                } else {
                    rec.putInt(8, raw).put(12, s.raw());
                }
                for (int k = 0; k < length; k++) {
                    data.put((int) ((head + k) & (size - 1)), rec.get(k));
                }
                meta.putLong(PerfBufferReader.DATA_HEAD, head + length);
                byte[] padded = s.raw() == null ? null : java.util.Arrays.copyOf(s.raw(), raw);
                want.add(new Sample(padded, s.lost()));
            }
            PerfBufferReader.drain("p", 0, meta, data, size, scratch, h);
            assertEquals(meta.getLong(PerfBufferReader.DATA_HEAD), meta.getLong(PerfBufferReader.DATA_TAIL));
            if (want.size() < i) {
                break; // a record larger than the whole ring
            }
        }
        assertEquals(want.size(), got.size());
        for (int k = 0; k < want.size(); k++) {
            assertEquals(want.get(k).lost(), got.get(k).lost(), "record " + k);
            if (want.get(k).raw() != null) {
                assertArrayEquals(want.get(k).raw(), got.get(k).raw(), "record " + k);
            }
        }
    }
}
