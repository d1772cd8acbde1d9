package dev.gewyvern.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.syscall.attr.MapCreateAttr;
import dev.gewyvern.syscall.events.EventHandler;
import dev.gewyvern.syscall.events.EventLoop;
import dev.gewyvern.syscall.events.RingBufferReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ring buffer reader on real BPF_MAP_TYPE_RINGBUF maps, fed by a program test-run in the kernel. */
class RingBufferKernelTest {
    static final int RINGBUF = 27;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    private Fd ring(int size) {
        return keep(Bpf.createMap(MapCreateAttr.of(RINGBUF, 0, 0, size).withName("gew_t_rb")));
    }

    /** What a handler saw: each record's first slot (its seq) and length, every slot checked. */
    static final class Seen implements EventHandler {
        final List<Long> seqs = new ArrayList<>();
        final List<Integer> lengths = new ArrayList<>();
        final List<Integer> cpus = new ArrayList<>();
        long lost;

        @Override
        public void onRecord(int cpu, ByteBuffer data, int offset, int length) {
            long seq = data.getLong(offset);
            for (int off = 8; off + 8 <= length; off += 8) {
                assertEquals(EventPrograms.slot(seq, off), data.getLong(offset + off), "slot at " + off + " of " + seq);
            }
            seqs.add(seq);
            lengths.add(length);
            cpus.add(cpu);
        }

        @Override
        public void onLost(int cpu, long count) {
            lost += count;
        }
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long s = from; s < to; s++) {
            out.add(s);
        }
        return out;
    }

    @Test
    void recordsArriveCompleteAndInOrderWithTheirOwnLength() {
        Fd map = ring(16384);
        Fd prog = keep(EventPrograms.load(EventPrograms.ringEmitter(map.value(), 44), "gew_t_rbemit"));
        RingBufferReader reader = keep(RingBufferReader.open(map, "rb"));
        assertEquals(16384, reader.size());
        for (long s = 0; s < 100; s++) {
            EventPrograms.run(prog, 0, s * 10, false);
        }
        Seen seen = new Seen();
        assertEquals(100, reader.consume(seen, Integer.MAX_VALUE));
        List<Long> want = new ArrayList<>();
        for (long s = 0; s < 100; s++) {
            want.add(s * 10);
        }
        assertEquals(want, seen.seqs);
        assertTrue(seen.lengths.stream().allMatch(l -> l == 44), "44 bytes each, not the 48 they occupy");
        assertTrue(seen.cpus.stream().allMatch(c -> c == EventHandler.ANY_CPU));
        // each record took its 8-byte header plus 44 bytes rounded up to 8
        assertEquals(100 * 56L, reader.consumerPosition());
        assertEquals(reader.producerPosition(), reader.consumerPosition());
        assertEquals(0, reader.consume(seen, Integer.MAX_VALUE), "nothing twice");
    }

    @Test
    void aSmallRingWrapsAroundAndRecordsAcrossItsEndReadWhole() {
        Fd map = ring(4096);
        Fd prog = keep(EventPrograms.load(EventPrograms.ringEmitter(map.value(), 100), "gew_t_rbwrap"));
        RingBufferReader reader = keep(RingBufferReader.open(map, "rb"));
        Seen seen = new Seen();
        long seq = 0;
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 30; i++) { // 30 * 112 bytes: most of the ring each round
                EventPrograms.run(prog, 0, seq++, false);
            }
            assertEquals(30, reader.consume(seen, Integer.MAX_VALUE));
        }
        assertEquals(range(0, 600), seen.seqs);
        // 600 * 112 bytes went through a 4096-byte ring: it wrapped 16 times, mostly mid-record
        assertEquals(600 * 112L, reader.consumerPosition());
    }

    @Test
    void aFullRingDropsAtTheProducerAndTheReaderGetsWhatFit() {
        Fd map = ring(4096);
        Fd prog = keep(EventPrograms.load(EventPrograms.ringEmitter(map.value(), 100), "gew_t_rbfull"));
        RingBufferReader reader = keep(RingBufferReader.open(map, "rb"));
        for (long s = 0; s < 100; s++) {
            EventPrograms.run(prog, 0, s, false);
        }
        Seen seen = new Seen();
        int got = reader.consume(seen, Integer.MAX_VALUE);
        assertEquals(4096 / 112, got, "a 4096-byte ring holds 36 records of 112 bytes");
        assertEquals(range(0, got), seen.seqs);
    }

    @Test
    void discardedRecordsAreSkippedButTheirSpaceIsConsumed() {
        Fd map = ring(8192);
        Fd prog = keep(EventPrograms.load(EventPrograms.ringEmitter(map.value(), 16), "gew_t_rbdisc"));
        RingBufferReader reader = keep(RingBufferReader.open(map, "rb"));
        List<Long> kept = new ArrayList<>();
        for (long s = 0; s < 50; s++) {
            boolean discard = s % 3 == 1;
            EventPrograms.run(prog, 0, s, discard);
            if (!discard) {
                kept.add(s);
            }
        }
        Seen seen = new Seen();
        assertEquals(kept.size(), reader.consume(seen, Integer.MAX_VALUE));
        assertEquals(kept, seen.seqs);
        assertEquals(50 * 24L, reader.consumerPosition(), "discarded records' space is consumed too");
    }

    @Test
    void consumeStopsAtItsLimitAndPublishesOnlyWhatItHandled() {
        Fd map = ring(8192);
        Fd prog = keep(EventPrograms.load(EventPrograms.ringEmitter(map.value(), 8), "gew_t_rblim"));
        RingBufferReader reader = keep(RingBufferReader.open(map, "rb"));
        for (long s = 0; s < 10; s++) {
            EventPrograms.run(prog, 0, s, false);
        }
        Seen seen = new Seen();
        assertEquals(4, reader.consume(seen, 4));
        assertEquals(4 * 16L, reader.consumerPosition());
        RingBufferReader.Positions p = RingBufferReader.positions(map, reader.size());
        assertEquals(new RingBufferReader.Positions(8192, 64, 160), p, "a read-only look agrees");
        assertEquals(96, p.pending());
        assertEquals(6, reader.consume(seen, Integer.MAX_VALUE));
        assertEquals(range(0, 10), seen.seqs);
    }

    @Test
    void aRecordTheHandlerDoesNotFinishIsReadAgain() {
        Fd map = ring(4096);
        Fd prog = keep(EventPrograms.load(EventPrograms.ringEmitter(map.value(), 8), "gew_t_rbthrow"));
        RingBufferReader reader = keep(RingBufferReader.open(map, "rb"));
        EventPrograms.run(prog, 0, 7, false);
        assertThrows(IllegalStateException.class, () -> reader.consume((cpu, data, off, len) -> {
            throw new IllegalStateException("handler failed");
        }, Integer.MAX_VALUE));
        assertEquals(0, reader.consumerPosition(), "not published: the record was not handled");
        Seen seen = new Seen();
        assertEquals(1, reader.consume(seen, Integer.MAX_VALUE));
        assertEquals(List.of(7L), seen.seqs);
    }

    @Test
    void theEventLoopWakesWhenTheKernelWritesAndWhenAskedTo() throws Exception {
        Fd map = ring(8192);
        Fd prog = keep(EventPrograms.load(EventPrograms.ringEmitter(map.value(), 24), "gew_t_rbloop"));
        RingBufferReader reader = keep(RingBufferReader.open(map, "rb"));
        EventLoop loop = keep(new EventLoop());
        Seen seen = new Seen();
        loop.add(reader, seen);
        assertEquals(0, loop.poll(0), "nothing yet");
        Thread producer = new Thread(() -> {
            for (long s = 0; s < 200; s++) {
                EventPrograms.run(prog, 0, s, false);
            }
        });
        producer.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (seen.seqs.size() < 200 && System.nanoTime() < deadline) {
            loop.poll(1000);
        }
        producer.join();
        loop.drainAll();
        assertEquals(range(0, 200), seen.seqs);

        AtomicInteger returned = new AtomicInteger(-1);
        Thread waiter = new Thread(() -> returned.set(loop.poll(-1)));
        waiter.start();
        Thread.sleep(100);
        loop.wake();
        waiter.join(10_000);
        assertEquals(0, returned.get(), "woken with nothing to read");
    }

    @Test
    void aMapThatIsNotARingBufferIsRefusedByName() {
        Fd array = keep(Bpf.createMap(MapCreateAttr.of(MapType.ARRAY, 4, 8, 1).withName("gew_t_notrb")));
        BpfException e = assertThrows(BpfException.class, () -> RingBufferReader.open(array, "counts"));
        assertTrue(e.getMessage().contains("map 'counts'") && e.getMessage().contains("not a BPF_MAP_TYPE_RINGBUF"),
                e.getMessage());
    }
}
