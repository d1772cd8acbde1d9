// SPDX-License-Identifier: MIT
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.Event;
import dev.gewyvern.proto.v1.EventLoss;
import dev.gewyvern.proto.v1.EventSource;
import dev.gewyvern.proto.v1.EventSummary;
import dev.gewyvern.proto.v1.LoadOnly;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.session.Engine;
import dev.gewyvern.session.EventStream;
import dev.gewyvern.session.PhaseListener;
import dev.gewyvern.session.PinRoot;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.attr.NativeArg;
import dev.gewyvern.syscall.attr.ProgTestRunAttr;
import dev.gewyvern.syscall.events.EventHandler;
import dev.gewyvern.syscall.events.EventLoop;
import dev.gewyvern.syscall.events.PerfBufferReader;
import dev.gewyvern.syscall.events.RingBufferReader;
import dev.gewyvern.syscall.maps.MapAccess;

/**
 * gewyvern's side of bench/events.sh: the same object, producer and figures as libbpf_events.c. A session
 * loads testdata/obj/events.bpf.o (load-only); a thread test-runs its `emit` program on CPU 0 to write N
 * events, BATCH per run, at most RATE events/s (0: flat out); the main thread reads them, either with the
 * gew-syscall reader and a handler that counts (what libbpf's callback does: mode "reader"), or through
 * the session's event stream, each event decoded by BTF (`struct event`) into an Event message in one
 * form: "text" (what `--events` prints), "json" (what `--events -o json` prints), "value" (what a
 * WatchEvents client gets: raw bytes, a google.protobuf.Value and the text).
 *
 *   EventsBench OBJ ring|perf N BATCH RATE PAGES reader|text|json|value
 */
public final class EventsBench {
    public static void main(String[] a) throws Exception {
        Path obj = Path.of(a[0]).toAbsolutePath();
        boolean ring = a[1].equals("ring");
        long total = Long.parseLong(a[2]);
        long batch = Long.parseLong(a[3]);
        long rate = Long.parseLong(a[4]);
        int pages = Integer.parseInt(a[5]);
        boolean stream = !a[6].equals("reader");
        EventStream.Form form = stream ? EventStream.Form.valueOf(a[6].toUpperCase()) : null;

        PinRoot root = new PinRoot(PinRoot.DEFAULT);
        try (Engine engine = Engine.start(root, "bench/events")) {
            Pipeline p = Pipeline.newBuilder().setName("bench").addObjects(BpfObject.newBuilder().setId("events")
                    .setPath(obj.toString())).addPrograms(Program.newBuilder().setObject("events").setName("emit")
                    .setAttach(AttachTarget.newBuilder().setLoadOnly(LoadOnly.getDefaultInstance()))).build();
            String id = engine.apply(p, PhaseListener.SILENT, 1).getSessionId();
            // the session's pins, as laid out below the pin root (see docs/design.md)
            Path dir = root.path().resolve("instances").resolve(engine.instanceId()).resolve("sessions").resolve(id);
            String mapName = ring ? "rb" : "perf_events";
            AtomicLong received = new AtomicLong();
            AtomicLong lost = new AtomicLong();
            AtomicLong producerCpu = new AtomicLong();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            try (Fd prog = Bpf.get(dir.resolve("progs/emit").toString(), "prog");
                 Fd map = Bpf.get(dir.resolve("maps/" + mapName).toString(), "map")) {
                Thread producer = new Thread(() -> {
                    long start = System.nanoTime();
                    byte[] ctx = new byte[32];
                    ByteBuffer c = ByteBuffer.wrap(ctx).order(ByteOrder.nativeOrder());
                    for (long sent = 0; sent < total; sent += batch) {
                        if (rate > 0) {
                            long due = start + (long) (sent * 1e9 / rate);
                            while (System.nanoTime() < due) {
                                Thread.onSpinWait();
                            }
                        }
                        c.putLong(0, batch).putLong(8, sent).putLong(16, ring ? 1 : 2).putLong(24, 0);
                        Bpf.testRun(new ProgTestRunAttr(prog.value(), null, null, 0, new NativeArg.In(ctx), null, 1, 0));
                    }
                    producerCpu.set(threads.getCurrentThreadCpuTime()); // a thread's CPU cannot be read once it ended
                }, "producer");
                long cpu0;
                long t0;
                long last;
                if (!stream) {
                    EventHandler count = new EventHandler() {
                        @Override
                        public void onRecord(int cpu, ByteBuffer data, int offset, int length) {
                            received.lazySet(received.get() + 1);
                        }

                        @Override
                        public void onLost(int cpu, long n) {
                            lost.addAndGet(n);
                        }
                    };
                    AutoCloseable reader = ring ? RingBufferReader.open(map, mapName)
                            : PerfBufferReader.open(map, mapName, new PerfBufferReader.Options(pages, 1, 0));
                    try (reader; EventLoop loop = new EventLoop()) {
                        if (reader instanceof RingBufferReader r) {
                            loop.add(r, count);
                        } else {
                            loop.add((PerfBufferReader) reader, count);
                        }
                        cpu0 = threads.getCurrentThreadCpuTime();
                        t0 = System.nanoTime();
                        last = t0;
                        producer.start();
                        long polls = 0;
                        while (true) {
                            long before = received.get() + lost.get();
                            loop.poll(100);
                            polls++;
                            if (received.get() + lost.get() != before) {
                                last = System.nanoTime();
                            } else if (!producer.isAlive() && System.nanoTime() - last > 200_000_000L) {
                                break;
                            }
                        }
                        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
                        System.err.printf("%d wake-ups (%.1f records each)%n", polls, received.get() / (double) polls);
                        report("gew-reader", a[1], total, received.get(), ring ? dropped(dir) : lost.get(), last - t0, cpu);
                    }
                } else {
                    AtomicLong lastSeen = new AtomicLong();
                    EventStream.Sink sink = new EventStream.Sink() {
                        @Override
                        public void event(Event e) {
                            received.lazySet(received.get() + 1);
                            lastSeen.lazySet(System.nanoTime());
                        }

                        @Override
                        public void loss(EventLoss l) {
                            lost.addAndGet(l.getCount());
                        }

                        @Override
                        public void end(EventSummary s) {
                        }
                    };
                    long procCpu0 = os.getProcessCpuTime();
                    t0 = System.nanoTime();
                    lastSeen.set(t0);
                    EventStream s = engine.events(id, List.of(EventSource.newBuilder().setMap(mapName)
                            .setType("struct event").build()), new EventStream.Options(4096,
                            new PerfBufferReader.Options(pages, 1, 0), form), sink);
                    producer.start();
                    while (producer.isAlive() || System.nanoTime() - lastSeen.get() < 200_000_000L) {
                        Thread.sleep(20);
                    }
                    producer.join();
                    long cpu = os.getProcessCpuTime() - procCpu0 - producerCpu.get();
                    // where it went: the stream's two threads (the rest is JIT, GC, start of the stream)
                    for (Thread t : Thread.getAllStackTraces().keySet()) {
                        if (t.getName().startsWith("gew-events-")) {
                            System.err.printf("%s cpu %d ms%n", t.getName().replaceAll("-[^-]*$", ""),
                                    threads.getThreadCpuTime(t.getId()) / 1_000_000);
                        }
                    }
                    s.close();
                    System.err.printf("lost in the kernel %d, dropped by gew's queue %d%n", ring ? dropped(dir) : 0,
                            lost.get());
                    report("gew-" + a[6], a[1], total, received.get(), (ring ? dropped(dir) : 0) + lost.get(),
                            lastSeen.get() - t0, cpu);
                }
            }
            engine.detach(id);
        }
    }

    /** Ring buffer records that found no room: the program counts them per CPU in rb_dropped. */
    private static long dropped(Path dir) {
        try (MapAccess m = MapAccess.open(dir.resolve("maps/rb_dropped"), "rb_dropped")) {
            byte[] v = m.lookup(new byte[4]);
            long sum = 0;
            ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.nativeOrder());
            for (int c = 0; c < m.copies(); c++) {
                sum += b.getLong(c * m.stride());
            }
            return sum;
        }
    }

    private static void report(String consumer, String kind, long emitted, long received, long lost, long wallNs,
                               long cpuNs) {
        System.out.printf("consumer=%s kind=%s emitted=%d received=%d lost=%d wall_ns=%d cpu_ns=%d%n", consumer, kind,
                emitted, received, lost, wallNs, cpuNs);
    }
}
