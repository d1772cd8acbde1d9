package dev.gewyvern.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import dev.gewyvern.syscall.attr.MapCreateAttr;
import dev.gewyvern.syscall.events.EventLoop;
import dev.gewyvern.syscall.events.PerfBufferReader;
import dev.gewyvern.syscall.kernel.Cpus;
import dev.gewyvern.syscall.maps.PerfEventSlots;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The perf buffer reader on real PERF_EVENT_ARRAY maps: one perf_event_open(BPF_OUTPUT) ring per CPU,
 * fed by a program test-run on a chosen CPU.
 */
class PerfBufferKernelTest {
    static final int PERF_EVENT_ARRAY = 4;
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

    private Fd perfArray() {
        return keep(Bpf.createMap(MapCreateAttr.of(PERF_EVENT_ARRAY, 4, 4, Cpus.possible()).withName("gew_t_perf")));
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long s = from; s < to; s++) {
            out.add(s);
        }
        return out;
    }

    @Test
    void everyOnlineCpuGetsARingAndItsEventsArriveInOrderTaggedWithIt() {
        Fd map = perfArray();
        Fd prog = keep(EventPrograms.load(EventPrograms.perfEmitter(map.value(), 24), "gew_t_pfemit"));
        PerfBufferReader reader = keep(PerfBufferReader.open(map, "events", PerfBufferReader.Options.DEFAULT));
        BitSet online = Cpus.online();
        assertEquals(online.cardinality(), reader.ringCount());
        assertEquals(online.stream().boxed().toList(), reader.cpus());
        for (long s = 0; s < 300; s++) {
            for (int cpu : reader.cpus()) {
                assertEquals(0, EventPrograms.run(prog, cpu, cpu * 1_000_000L + s, false), "perf_event_output on " + cpu);
            }
        }
        RingBufferKernelTest.Seen seen = new RingBufferKernelTest.Seen();
        assertEquals(300 * reader.ringCount(), reader.consume(seen));
        for (int cpu : reader.cpus()) {
            List<Long> mine = new ArrayList<>();
            for (int i = 0; i < seen.seqs.size(); i++) {
                if (seen.cpus.get(i) == cpu) {
                    mine.add(seen.seqs.get(i) - cpu * 1_000_000L);
                }
            }
            assertEquals(range(0, 300), mine, "CPU " + cpu + "'s events, in order");
        }
        // a sample's raw size is padded so that the u32 size and the data end on 8 bytes: 24 -> 28
        assertTrue(seen.lengths.stream().allMatch(l -> l == 28), seen.lengths.subList(0, 3).toString());
        assertEquals(0, seen.lost);
    }

    @Test
    void recordsThatStraddleTheEndOfARingAreReassembled() {
        Fd map = perfArray();
        Fd prog = keep(EventPrograms.load(EventPrograms.perfEmitter(map.value(), 100), "gew_t_pfwrap"));
        // one data page per CPU: 4096 bytes hold 36 records of 112 bytes, the 37th straddles the end
        PerfBufferReader reader = keep(PerfBufferReader.open(map, "events", new PerfBufferReader.Options(1, 1, 0)));
        int cpu = reader.cpu(reader.ringCount() - 1);
        RingBufferKernelTest.Seen seen = new RingBufferKernelTest.Seen();
        long seq = 0;
        for (int round = 0; round < 25; round++) {
            for (int i = 0; i < 20; i++) {
                assertEquals(0, EventPrograms.run(prog, cpu, seq++, false));
            }
            assertEquals(20, reader.consume(seen));
        }
        assertEquals(range(0, 500), seen.seqs, "every slot of every record is checked by Seen");
        assertEquals(0, seen.lost);
    }

    @Test
    void aSlowReaderIsToldHowManyRecordsTheKernelLost() {
        Fd map = perfArray();
        Fd prog = keep(EventPrograms.load(EventPrograms.perfEmitter(map.value(), 100), "gew_t_pflost"));
        PerfBufferReader reader = keep(PerfBufferReader.open(map, "events", new PerfBufferReader.Options(1, 1, 0)));
        int cpu = reader.cpu(0);
        int refused = 0;
        for (long s = 0; s < 100; s++) {
            if (EventPrograms.run(prog, cpu, s, false) != 0) {
                refused++;
            }
        }
        RingBufferKernelTest.Seen seen = new RingBufferKernelTest.Seen();
        int first = reader.consume(seen);
        assertTrue(first > 0 && first < 100, "the ring held " + first);
        assertEquals(0, seen.lost, "the kernel reports a loss with its next record");
        EventPrograms.run(prog, cpu, 100, false);
        reader.consume(seen);
        assertEquals(100 - first, seen.lost, "every record that did not fit is counted");
        assertEquals(100 - first, refused, "and the program was told each time");
        assertEquals(100L, seen.seqs.get(seen.seqs.size() - 1));
        assertEquals(range(0, first), seen.seqs.subList(0, first));
    }

    @Test
    void aWatermarkWakesTheReaderOnlyOnceEnoughBytesWait() {
        Fd map = perfArray();
        Fd prog = keep(EventPrograms.load(EventPrograms.perfEmitter(map.value(), 100), "gew_t_pfwm"));
        PerfBufferReader reader = keep(PerfBufferReader.open(map, "events", new PerfBufferReader.Options(4, 0, 1024)));
        EventLoop loop = keep(new EventLoop());
        RingBufferKernelTest.Seen seen = new RingBufferKernelTest.Seen();
        loop.add(reader, seen);
        int cpu = reader.cpu(0);
        for (long s = 0; s < 5; s++) {
            EventPrograms.run(prog, cpu, s, false);
        }
        assertEquals(0, loop.poll(200), "560 bytes are below the 1024-byte watermark: no wake-up");
        for (long s = 5; s < 12; s++) {
            EventPrograms.run(prog, cpu, s, false);
        }
        assertEquals(12, loop.poll(5000), "1344 bytes: woken, and everything waiting is read");
        assertEquals(range(0, 12), seen.seqs);
    }

    @Test
    void closingClearsTheSlotsItSetSoTheProgramFindsNoRing() {
        Fd map = perfArray();
        Fd prog = keep(EventPrograms.load(EventPrograms.perfEmitter(map.value(), 8), "gew_t_pfclose"));
        assertEquals(-Errno.ENOENT, EventPrograms.run(prog, 0, 1, false), "no ring before the reader opens");
        PerfBufferReader reader = PerfBufferReader.open(map, "events", PerfBufferReader.Options.DEFAULT);
        int cpu = reader.cpu(0);
        assertEquals(0, EventPrograms.run(prog, cpu, 1, false));
        reader.close();
        assertEquals(-Errno.ENOENT, EventPrograms.run(prog, cpu, 2, false), "the slot is empty again");
    }

    @Test
    void theSlotsThatHoldAnEventAreFoundFromInsideTheKernel() {
        Fd map = perfArray();
        assertEquals(new BitSet(), PerfEventSlots.occupied(map, Cpus.possible()));
        PerfBufferReader reader = PerfBufferReader.open(map, "events", PerfBufferReader.Options.DEFAULT);
        BitSet want = new BitSet();
        reader.cpus().forEach(want::set);
        assertEquals(want, PerfEventSlots.occupied(map, Cpus.possible()));
        reader.close();
        assertEquals(new BitSet(), PerfEventSlots.occupied(map, Cpus.possible()));
    }
}
