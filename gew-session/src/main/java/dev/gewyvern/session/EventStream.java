package dev.gewyvern.session;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;

import dev.gewyvern.proto.v1.Event;
import dev.gewyvern.proto.v1.EventCounts;
import dev.gewyvern.proto.v1.EventLoss;
import dev.gewyvern.proto.v1.EventSummary;
import dev.gewyvern.proto.v1.LossCause;
import dev.gewyvern.syscall.kernel.Cpus;
import dev.gewyvern.syscall.events.EventHandler;
import dev.gewyvern.syscall.events.EventLoop;
import dev.gewyvern.syscall.events.PerfBufferReader;
import dev.gewyvern.syscall.events.RingBufferReader;

/**
 * The events of some of a session's maps (ring buffers and perf buffers), read by one thread that only
 * copies records into a bounded {@link EventQueue} and never waits for anyone, and decoded and delivered
 * to a {@link Sink} by a second thread, which may be as slow as its consumer: records that find the queue
 * full are dropped and counted, and the kernel's own losses (perf LOST records) are counted per CPU; both
 * are reported to the sink as they happen and in the summary it gets last. The stream ends when the
 * session is detached, when {@link #close} is called, or when the sink refuses an event.
 */
public final class EventStream implements AutoCloseable {
    /** How often the reader looks whether the session is still there, and the longest it sleeps. */
    private static final int CHECK_MS = 200;

    /** Where events go, on the delivering thread; it may block, which only ever costs events. */
    public interface Sink {
        /** First, on the delivering thread: every map is open and read from now on. */
        default void started(List<String> maps) {
        }

        void event(Event e);

        void loss(EventLoss l);

        void end(EventSummary s);

        /** Everything waiting has been delivered: a moment to flush an output. */
        default void idle() {
        }
    }

    /** Which forms of a decoded event the sink reads; only those are made. */
    public enum Form {
        /** The text `gew session show` prints ({@link Event#getText}). */
        TEXT,
        /** One line of JSON text ({@link Event#getJson}). */
        JSON,
        /** What a control plane gets: the record's bytes, the value as a google.protobuf.Value, and the text. */
        VALUE
    }

    /** Events waiting for a slow sink at most; the perf buffers' pages per CPU and wake-up; the forms made. */
    public record Options(int buffer, PerfBufferReader.Options perf, Form form) {
        public static final Options DEFAULT = new Options(4096, PerfBufferReader.Options.DEFAULT, Form.VALUE);

        public Options {
            if (buffer < 2 || buffer > (1 << 20)) {
                throw new IllegalArgumentException("an event buffer holds 2 to 1048576 events, not " + buffer);
            }
        }

        public Options(int buffer, PerfBufferReader.Options perf) {
            this(buffer, perf, Form.VALUE);
        }
    }

    /** One map being read: its decoder, and the reader that owns its mappings (and, for perf, its slots). */
    record Source(EventDecoder decoder, AutoCloseable reader, AutoCloseable fd) {}

    private final List<Source> sources;
    private final EventLoop loop;
    private final EventQueue queue;
    private final Sink sink;
    private final Form form;
    private final BooleanSupplier alive;
    private final int cpus = Cpus.possible();
    private final AtomicLongArray dropped;
    private final AtomicLongArray kernelLost;
    private final long[] events;
    private final long[] decodeErrors;
    private final long[] droppedReported;
    private final long[] kernelLostReported;
    private final long wallBase = System.currentTimeMillis() * 1_000_000L;
    private final long nanoBase = System.nanoTime();
    private final Thread reader;
    private final Thread deliverer;
    private volatile boolean stopping;
    private volatile boolean readerDone;
    private volatile String ended;
    private long seq;

    EventStream(String name, List<Source> sources, Options options, Sink sink, BooleanSupplier alive) {
        this.sources = List.copyOf(sources);
        this.queue = new EventQueue(options.buffer());
        this.sink = sink;
        this.form = options.form();
        this.alive = alive;
        int n = sources.size();
        dropped = new AtomicLongArray(n);
        kernelLost = new AtomicLongArray(n * cpus);
        events = new long[n];
        decodeErrors = new long[n];
        droppedReported = new long[n];
        kernelLostReported = new long[n * cpus];
        loop = new EventLoop();
        for (int i = 0; i < n; i++) {
            Source s = sources.get(i);
            EventHandler h = handler(i);
            if (s.reader() instanceof RingBufferReader r) {
                loop.add(r, h);
            } else {
                loop.add((PerfBufferReader) s.reader(), h);
            }
        }
        reader = new Thread(this::read, "gew-events-read-" + name);
        deliverer = new Thread(this::deliver, "gew-events-deliver-" + name);
        reader.setDaemon(true);
        deliverer.setDaemon(true);
    }

    void start() {
        reader.start();
        deliverer.start();
    }

    private EventHandler handler(int src) {
        return new EventHandler() {
            @Override
            public void onRecord(int cpu, ByteBuffer data, int offset, int length) {
                if (!queue.offer(src, cpu, wallBase + (System.nanoTime() - nanoBase), data, offset, length)) {
                    dropped.incrementAndGet(src);
                }
            }

            @Override
            public void onLost(int cpu, long count) {
                kernelLost.addAndGet(src * cpus + Math.min(Math.max(cpu, 0), cpus - 1), count);
            }
        };
    }

    private void read() {
        long nextCheck = System.nanoTime();
        try {
            while (!stopping) {
                loop.poll(CHECK_MS);
                if (System.nanoTime() >= nextCheck) {
                    nextCheck = System.nanoTime() + CHECK_MS * 1_000_000L;
                    if (alive != null && !alive.getAsBoolean()) {
                        ended = "session detached";
                        break;
                    }
                }
            }
            loop.drainAll();
        } catch (RuntimeException e) {
            ended = "reading failed: " + e.getMessage();
        } finally {
            closeReaders();
            readerDone = true;
        }
    }

    private void deliver() {
        EventQueue.Taker taker = (src, cpu, at, data, length) -> {
            EventDecoder d = sources.get(src).decoder();
            Event e = d.decode(data, length, cpu, at, ++seq, form);
            events[src]++;
            if (!e.getError().isEmpty()) {
                decodeErrors[src]++;
            }
            sink.event(e);
        };
        try {
            sink.started(maps());
            while (true) {
                boolean done = readerDone;
                int n = queue.drain(taker, 100_000_000L);
                reportLosses();
                if (n > 0) {
                    sink.idle();
                }
                if (done && queue.isEmpty()) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            // the sink refused (a client gone, a closed output): the stream ends here
            if (ended == null) {
                ended = "delivery ended: " + e.getMessage();
            }
            stopping = true;
            loop.wake();
            while (!readerDone) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        try {
            sink.end(summary());
        } catch (RuntimeException e) {
            // nobody is listening any more
        }
    }

    private void reportLosses() {
        for (int s = 0; s < sources.size(); s++) {
            String map = sources.get(s).decoder().map();
            long d = dropped.get(s);
            if (d != droppedReported[s]) {
                sink.loss(EventLoss.newBuilder().setMap(map).setCpu(-1).setCount(d - droppedReported[s])
                        .setCause(LossCause.READER_BUFFER_FULL).build());
                droppedReported[s] = d;
            }
            for (int c = 0; c < cpus; c++) {
                long k = kernelLost.get(s * cpus + c);
                if (k != kernelLostReported[s * cpus + c]) {
                    sink.loss(EventLoss.newBuilder().setMap(map).setCpu(c).setCount(k - kernelLostReported[s * cpus + c])
                            .setCause(LossCause.KERNEL_RING_FULL).build());
                    kernelLostReported[s * cpus + c] = k;
                }
            }
        }
    }

    private EventSummary summary() {
        EventSummary.Builder b = EventSummary.newBuilder().setEnded(ended == null ? "closed" : ended);
        for (int s = 0; s < sources.size(); s++) {
            long lost = 0;
            for (int c = 0; c < cpus; c++) {
                lost += kernelLost.get(s * cpus + c);
            }
            b.addMaps(EventCounts.newBuilder().setMap(sources.get(s).decoder().map()).setEvents(events[s])
                    .setLostInKernel(lost).setDroppedByReader(dropped.get(s)).setDecodeErrors(decodeErrors[s]));
        }
        return b.build();
    }

    private synchronized void closeReaders() {
        for (Source s : sources) {
            try {
                s.reader().close();
                s.fd().close();
            } catch (Exception e) {
                // closing what is already gone
            }
        }
        loop.close();
    }

    /** The maps this stream reads, in order. */
    public List<String> maps() {
        List<String> out = new ArrayList<>();
        sources.forEach(s -> out.add(s.decoder().map()));
        return out;
    }

    /** Waits until the stream has ended and its summary was delivered. */
    public void awaitEnd() throws InterruptedException {
        deliverer.join();
    }

    /** Waits up to {@code millis} for the end; true when it ended. */
    public boolean awaitEnd(long millis) throws InterruptedException {
        deliverer.join(millis);
        return !deliverer.isAlive();
    }

    /** Ends the stream: what was read is still delivered, then the summary. Safe from any thread, twice. */
    @Override
    public void close() {
        if (ended == null) {
            ended = "closed";
        }
        stopping = true;
        loop.wake();
        if (Thread.currentThread() != deliverer) {
            try {
                deliverer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
