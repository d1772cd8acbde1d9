package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.Event;
import dev.gewyvern.proto.v1.EventLoss;
import dev.gewyvern.proto.v1.EventSource;
import dev.gewyvern.proto.v1.EventSummary;
import dev.gewyvern.proto.v1.LoadOnly;
import dev.gewyvern.proto.v1.LossCause;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.kernel.Cpus;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.attr.NativeArg;
import dev.gewyvern.syscall.attr.ProgTestRunAttr;
import dev.gewyvern.syscall.events.PerfBufferReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session's ring buffer and perf buffer events, read and decoded by BTF through the engine, from
 * testdata's events.bpf.o: its `emit` program test-run on a chosen CPU writes numbered events.
 */
class EventsKernelTest {
    static final int RING = 1;
    static final int PERF = 2;

    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Engine engine;
    private SessionRecord session;
    private Fd emit;

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
        engine = Engine.start(root, "EventsKernelTest");
        session = engine.apply(loadOnly(), PhaseListener.SILENT, 1);
        emit = Bpf.get(dir().resolve(PinRoot.PROGS).resolve("emit").toString(), "prog");
    }

    @AfterEach
    void tearDown() {
        if (emit != null) {
            emit.close();
        }
        KernelTestSupport.detachAllAndClose(engine);
    }

    static Pipeline loadOnly() {
        return Pipeline.newBuilder().setName("events").addObjects(BpfObject.newBuilder().setId("events")
                        .setPath(KernelTestSupport.testdata("obj/events.bpf.o").toString()))
                .addPrograms(Program.newBuilder().setObject("events").setName("emit")
                        .setAttach(AttachTarget.newBuilder().setLoadOnly(LoadOnly.getDefaultInstance())))
                .addPrograms(Program.newBuilder().setObject("events").setName("drain")
                        .setAttach(AttachTarget.newBuilder().setLoadOnly(LoadOnly.getDefaultInstance())))
                .build();
    }

    private Path dir() {
        return root.session(engine.instanceId(), session.getSessionId());
    }

    /** Runs `emit` once on {@code cpu}: {@code count} events from seq {@code first} into {@code which}. */
    static void emit(Fd prog, int cpu, long count, long first, int which, long discardEvery) {
        byte[] ctx = ByteBuffer.allocate(32).order(ByteOrder.nativeOrder()).putLong(0, count).putLong(8, first)
                .putLong(16, which).putLong(24, discardEvery).array();
        Bpf.testRun(new ProgTestRunAttr(prog.value(), null, null, 0, new NativeArg.In(ctx), null, 1, cpu));
    }

    /** A sink that keeps everything it is given. */
    static final class Collect implements EventStream.Sink {
        final List<Event> events = Collections.synchronizedList(new ArrayList<>());
        final List<EventLoss> losses = Collections.synchronizedList(new ArrayList<>());
        final AtomicReference<EventSummary> summary = new AtomicReference<>();
        final CountDownLatch ended = new CountDownLatch(1);
        volatile long delayMs;

        @Override
        public void event(Event e) {
            events.add(e);
            if (delayMs > 0) {
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void loss(EventLoss l) {
            losses.add(l);
        }

        @Override
        public void end(EventSummary s) {
            summary.set(s);
            ended.countDown();
        }

        List<Event> of(String map) {
            synchronized (events) {
                return events.stream().filter(e -> e.getMap().equals(map)).toList();
            }
        }

        void await(Predicate<Collect> done) throws InterruptedException {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!done.test(this) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(done.test(this), "waited 20 s: " + events.size() + " events, " + losses);
        }
    }

    static EventSource source(String map, String type) {
        return EventSource.newBuilder().setMap(map).setType(type).build();
    }

    static long seq(Event e) {
        return ByteBuffer.wrap(e.getRaw().toByteArray()).order(ByteOrder.nativeOrder()).getLong(0);
    }

    @Test
    void ringAndPerfEventsArriveDecodedAndInOrderPerCpu() throws Exception {
        Collect c = new Collect();
        try (EventStream s = engine.events(session.getSessionId(), List.of(source("rb", "struct event"),
                source("perf_events", "event")), EventStream.Options.DEFAULT, c)) {
            List<Integer> cpus = new ArrayList<>();
            Cpus.online().stream().limit(2).forEach(cpus::add);
            for (int round = 0; round < 5; round++) {
                for (int cpu : cpus) {
                    emit(emit, cpu, 40, cpu * 1_000_000L + round * 40, RING | PERF, 0);
                }
            }
            int want = 200 * cpus.size();
            c.await(x -> x.of("rb").size() == want && x.of("perf_events").size() == want);
            for (int cpu : cpus) {
                List<Long> ring = c.of("rb").stream().filter(e -> seq(e) / 1_000_000 == cpu).map(EventsKernelTest::seq)
                        .toList();
                List<Long> perf = c.of("perf_events").stream().filter(e -> e.getCpu() == cpu)
                        .map(EventsKernelTest::seq).toList();
                List<Long> expected = new ArrayList<>();
                for (long i = 0; i < 200; i++) {
                    expected.add(cpu * 1_000_000L + i);
                }
                assertEquals(expected, ring, "ring buffer events of the runs on CPU " + cpu);
                assertEquals(expected, perf, "CPU " + cpu + "'s perf ring");
            }
            Event first = c.of("rb").get(0);
            assertEquals(-1, first.getCpu());
            assertEquals("struct event", first.getType());
            assertEquals("", first.getError());
            long s0 = seq(first);
            assertTrue(JsonValues.text(first.getEvent()).startsWith("{\"seq\":" + s0 + ",\"pid\":"), JsonValues.text(first.getEvent()));
            assertTrue(JsonValues.text(first.getEvent()).contains(",\"kind\":\"EV_TEST\",\"flags\":" + (s0 & 7) + ",\"level\":"
                    + (s0 & 0x1f) + ",\"detail\":{\"code\":" + ((s0 * 3) & 0xffffffffL) + ","), JsonValues.text(first.getEvent()));
            assertTrue(JsonValues.text(first.getEvent()).endsWith(",\"version\":{\"major\":1,\"minor\":" + (s0 & 0xffff)
                    + "},\"delta\":[-1,0," + (short) s0 + "]}"), JsonValues.text(first.getEvent()));
            assertTrue(first.getText().startsWith("{seq=" + s0 + ", pid="), first.getText());
            Event perf = c.of("perf_events").get(0);
            assertEquals("", perf.getError(), "a perf sample's padding is not a size mismatch");
            assertEquals(first.getRaw().size() + 4, perf.getRaw().size(), "the kernel pads a sample to 8 bytes");
            List<Long> delivered;
            synchronized (c.events) {
                delivered = c.events.stream().map(Event::getSeq).toList();
            }
            for (int i = 0; i < delivered.size(); i++) {
                assertEquals(i + 1, delivered.get(i), "the stream numbers what it delivers from 1");
            }
        }
        assertTrue(c.ended.await(10, TimeUnit.SECONDS));
        assertEquals("closed", c.summary.get().getEnded());
        assertEquals(List.of(), c.losses);
    }

    @Test
    void discardedRecordsNeverArrive() throws Exception {
        Collect c = new Collect();
        try (EventStream s = engine.events(session.getSessionId(), List.of(source("rb", "")), EventStream.Options.DEFAULT,
                c)) {
            emit(emit, 0, 30, 0, RING, 3);
            c.await(x -> x.events.size() == 20);
            Thread.sleep(100);
            assertEquals(List.of(1L, 2L, 4L, 5L, 7L, 8L, 10L, 11L, 13L, 14L, 16L, 17L, 19L, 20L, 22L, 23L, 25L, 26L, 28L,
                    29L), c.events.stream().map(EventsKernelTest::seq).toList());
            Event raw = c.events.get(0);
            assertEquals("", raw.getType());
            assertTrue(JsonValues.text(raw.getEvent()).startsWith("\"hex:0100000000000000"), JsonValues.text(raw.getEvent()));
        }
    }

    @Test
    void aTypeOfAnotherSizeIsReportedOnEachEventNotThrown() throws Exception {
        Collect c = new Collect();
        try (EventStream s = engine.events(session.getSessionId(), List.of(source("rb", "struct version")),
                EventStream.Options.DEFAULT, c)) {
            emit(emit, 0, 3, 7, RING, 0);
            c.await(x -> x.events.size() == 3);
            Event e = c.events.get(0);
            assertTrue(e.getError().matches("\\d+ bytes, longer than struct version \\(4 bytes\\): decoded its first 4"),
                    e.getError());
            assertEquals("{\"major\":7,\"minor\":0}", JsonValues.text(e.getEvent()));
        }
        assertEquals(3, c.summary.get().getMaps(0).getDecodeErrors());
    }

    @Test
    void aSlowConsumerLosesEventsCountedNeverSlowsTheRing() throws Exception {
        Collect c = new Collect();
        c.delayMs = 20;
        try (EventStream s = engine.events(session.getSessionId(), List.of(source("rb", "event")),
                new EventStream.Options(16, PerfBufferReader.Options.DEFAULT), c)) {
            emit(emit, 0, 2000, 0, RING, 0);
            c.await(x -> x.losses.stream().mapToLong(EventLoss::getCount).sum() > 0);
            c.delayMs = 0;
            c.await(x -> x.events.size() + x.losses.stream().mapToLong(EventLoss::getCount).sum() == 2000);
            assertTrue(c.losses.stream().allMatch(l -> l.getCause() == LossCause.READER_BUFFER_FULL), c.losses.toString());
        }
        var counts = c.summary.get().getMaps(0);
        assertEquals(2000, counts.getEvents() + counts.getDroppedByReader(), counts.toString());
        assertEquals(0, counts.getLostInKernel());
        List<Long> seqs = c.events.stream().map(EventsKernelTest::seq).toList();
        assertEquals(seqs.stream().sorted().toList(), seqs, "what arrives is in order");
    }

    @Test
    void aFullPerfRingIsCountedAsLostInTheKernel() throws Exception {
        Collect c = new Collect();
        int cpu = Cpus.online().nextSetBit(0);
        try (EventStream s = engine.events(session.getSessionId(), List.of(source("perf_events", "event")),
                new EventStream.Options(1 << 16, new PerfBufferReader.Options(1, 1, 0)), c)) {
            // 20000 events from one run in a 4 KiB ring: far more than any reader empties meanwhile
            emit(emit, cpu, 20000, 0, PERF, 0);
            // the kernel reports a loss with the next record it writes once there is room again
            long emitted = 20000;
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (c.losses.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                emit(emit, cpu, 1, emitted++, PERF, 0);
            }
            long total = emitted;
            c.await(x -> x.events.size() + x.losses.stream().mapToLong(EventLoss::getCount).sum() == total);
            s.close();
            assertEquals(total, c.summary.get().getMaps(0).getEvents() + c.summary.get().getMaps(0).getLostInKernel());
        }
        assertTrue(c.losses.stream().allMatch(l -> l.getCause() == LossCause.KERNEL_RING_FULL && l.getCpu() == cpu),
                c.losses.toString());
        assertTrue(c.summary.get().getMaps(0).getLostInKernel() > 0);
    }

    @Test
    void detachingTheSessionEndsTheStreamAndClearsThePerfSlots() throws Exception {
        Collect c = new Collect();
        EventStream s = engine.events(session.getSessionId(), List.of(source("rb", "event"), source("perf_events", "")),
                EventStream.Options.DEFAULT, c);
        emit(emit, 0, 5, 0, RING | PERF, 0);
        c.await(x -> x.events.size() == 10);
        engine.detach(session.getSessionId());
        assertTrue(s.awaitEnd(10_000), "the stream ends once the session is gone");
        assertEquals("session detached", c.summary.get().getEnded());
        assertEquals(5, c.summary.get().getMaps(0).getEvents());
        s.close();
    }

    @Test
    void mapsThatCarryNoEventsAreRefusedByName() {
        SessionException e = org.junit.jupiter.api.Assertions.assertThrows(SessionException.class,
                () -> engine.events(session.getSessionId(), List.of(source("totals", "")), EventStream.Options.DEFAULT,
                        new Collect()));
        assertTrue(e.getMessage().startsWith("map 'totals' is a hash, not a ring buffer or a perf event array"),
                e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(SessionException.class,
                () -> engine.events(session.getSessionId(), List.of(source("nope", "")), EventStream.Options.DEFAULT,
                        new Collect()));
        assertTrue(e.getMessage().startsWith("no map 'nope' in session"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(SessionException.class,
                () -> engine.events(session.getSessionId(), List.of(source("rb", "struct nope")),
                        EventStream.Options.DEFAULT, new Collect()));
        assertTrue(e.getMessage().startsWith("map 'rb': this object's BTF has no type 'struct nope'"), e.getMessage());
    }
}
