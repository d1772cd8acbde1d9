package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import dev.gewyvern.btf.BtfValues;
import dev.gewyvern.proto.v1.Event;
import dev.gewyvern.proto.v1.EventCounts;
import dev.gewyvern.proto.v1.EventLoss;
import dev.gewyvern.proto.v1.EventSummary;
import dev.gewyvern.proto.v1.LossCause;
import dev.gewyvern.session.EventStream;

/**
 * Prints a session's events as they arrive, one line each: as text ({@code 13:40:01.123456 rb {pid=12,
 * comm="sh"}}) or as JSON lines ({@code {"map":"rb","time":"…","event":{"pid":12,"comm":"sh"}}}, the event
 * typed by BTF with numbers as numbers). Lost records get lines of their own, and the counts per map a
 * summary line at the end.
 */
final class EventLines implements EventStream.Sink {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS")
            .withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("HH:mm:ss.")
            .withZone(ZoneId.systemDefault());
    private static final String NL = System.lineSeparator();
    private static final int[] POW10 = {1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};
    /** Lines are written out in batches this large, and whenever the stream has delivered all it read. */
    private static final int BATCH_CHARS = 1 << 15;

    private final PrintWriter out;
    private final boolean json;
    private final Object lock;
    private final java.util.concurrent.atomic.AtomicReference<EventSummary> summary =
            new java.util.concurrent.atomic.AtomicReference<>();
    /** Lines not yet written (the delivering thread's alone), and a buffer to hand them over in. */
    private final StringBuilder pending = new StringBuilder(BATCH_CHARS + 1024);
    private char[] chars = new char[BATCH_CHARS + 1024];
    /** The second the clock prefix below was made for: every event of one second shares it. */
    private long second = Long.MIN_VALUE;
    private String secondPrefix;

    EventLines(PrintWriter out, boolean json, Object lock) {
        this.out = out;
        this.json = json;
        this.lock = lock;
    }

    /** The stream's form of the events this prints. */
    EventStream.Form form() {
        return json ? EventStream.Form.JSON : EventStream.Form.TEXT;
    }

    private static Instant at(long unixNs) {
        return Instant.ofEpochSecond(unixNs / 1_000_000_000L, unixNs % 1_000_000_000L);
    }

    private static String quote(String s) {
        return "\"" + BtfValues.escapeJson(s) + "\"";
    }

    /** One event as its line (without the line end). */
    String line(Event e) {
        StringBuilder sb = new StringBuilder();
        append(e, sb);
        return sb.toString();
    }

    /**
     * Appends an event's line: the time as {@link Instant#toString} writes it (JSON) or as HH:mm:ss.SSSSSS in
     * the local zone (text), from a prefix made once per second.
     */
    private void append(Event e, StringBuilder sb) {
        long ns = e.getUnixNs();
        long sec = Math.floorDiv(ns, 1_000_000_000L);
        int nano = (int) Math.floorMod(ns, 1_000_000_000L);
        if (sec != second) {
            second = sec;
            Instant whole = Instant.ofEpochSecond(sec);
            secondPrefix = json ? whole.toString().substring(0, whole.toString().length() - 1) : SECOND.format(whole);
        }
        if (json) {
            sb.append("{\"map\":").append(quote(e.getMap()));
            if (e.getCpu() >= 0) {
                sb.append(",\"cpu\":").append(e.getCpu());
            }
            sb.append(",\"time\":\"").append(secondPrefix);
            if (nano != 0) {
                // as Instant.toString: milli-, micro- or nanoseconds, whichever shows every digit that is not 0
                int digits = nano % 1_000_000 == 0 ? 3 : nano % 1000 == 0 ? 6 : 9;
                sb.append('.');
                digits(sb, digits == 3 ? nano / 1_000_000 : digits == 6 ? nano / 1000 : nano, digits);
            }
            sb.append("Z\"");
            if (!e.getType().isEmpty()) {
                sb.append(",\"type\":").append(quote(e.getType()));
            }
            sb.append(",\"event\":");
            if (!e.getJson().isEmpty()) {
                sb.append(e.getJson());
            } else {
                sb.append(dev.gewyvern.session.JsonValues.text(e.getEvent()));
            }
            if (!e.getError().isEmpty()) {
                sb.append(",\"error\":").append(quote(e.getError()));
            }
            sb.append('}');
            return;
        }
        sb.append(secondPrefix);
        digits(sb, nano / 1000, 6);
        sb.append(' ').append(e.getMap());
        if (e.getCpu() >= 0) {
            sb.append(" cpu ").append(e.getCpu());
        }
        sb.append("  ").append(e.getText());
        if (!e.getError().isEmpty()) {
            sb.append("  (").append(e.getError()).append(')');
        }
    }

    /** {@code v} in decimal with leading zeros to {@code width} digits. */
    private static void digits(StringBuilder sb, int v, int width) {
        for (int p = width - 1; p >= 0; p--) {
            sb.append((char) ('0' + v / POW10[p] % 10));
        }
    }

    String line(EventLoss l) {
        String cause = l.getCause() == LossCause.KERNEL_RING_FULL ? "the kernel found the CPU's perf ring full"
                : "gew's buffer was full: its output is slower than the events";
        if (json) {
            return "{\"map\":" + quote(l.getMap()) + (l.getCpu() >= 0 ? ",\"cpu\":" + l.getCpu() : "") + ",\"lost\":"
                    + l.getCount() + ",\"cause\":" + quote(l.getCause().name()) + "}";
        }
        return CLOCK.format(Instant.now()) + " " + l.getMap() + (l.getCpu() >= 0 ? " cpu " + l.getCpu() : "")
                + "  LOST " + l.getCount() + " record" + (l.getCount() == 1 ? "" : "s") + " (" + cause + ")";
    }

    String line(EventSummary s) {
        if (json) {
            StringBuilder sb = new StringBuilder("{\"summary\":{\"ended\":").append(quote(s.getEnded()))
                    .append(",\"maps\":[");
            for (int i = 0; i < s.getMapsCount(); i++) {
                EventCounts c = s.getMaps(i);
                sb.append(i == 0 ? "" : ",").append("{\"map\":").append(quote(c.getMap())).append(",\"events\":")
                        .append(c.getEvents()).append(",\"lost_in_kernel\":").append(c.getLostInKernel())
                        .append(",\"dropped_by_gew\":").append(c.getDroppedByReader()).append(",\"decode_errors\":")
                        .append(c.getDecodeErrors()).append('}');
            }
            return sb.append("]}}").toString();
        }
        StringBuilder sb = new StringBuilder("events:");
        for (int i = 0; i < s.getMapsCount(); i++) {
            EventCounts c = s.getMaps(i);
            sb.append(i == 0 ? " " : "; ").append(c.getMap()).append(' ').append(c.getEvents()).append(" received, ")
                    .append(c.getLostInKernel()).append(" lost in the kernel, ").append(c.getDroppedByReader())
                    .append(" dropped by gew");
            if (c.getDecodeErrors() > 0) {
                sb.append(", ").append(c.getDecodeErrors()).append(" not decoded");
            }
        }
        return sb.toString();
    }

    @Override
    public void event(Event e) {
        append(e, pending);
        pending.append(NL);
        if (pending.length() >= BATCH_CHARS) {
            write(false);
        }
    }

    @Override
    public void loss(EventLoss l) {
        pending.append(line(l)).append(NL);
        write(true);
    }

    @Override
    public void idle() {
        write(true);
    }

    /** Writes the pending lines in one piece (no flush per line), then flushes if {@code flush}. */
    private void write(boolean flush) {
        int n = pending.length();
        if (chars.length < n) {
            chars = new char[n];
        }
        pending.getChars(0, n, chars, 0);
        pending.setLength(0);
        synchronized (lock) {
            out.write(chars, 0, n);
            if (flush) {
                out.flush();
            }
        }
    }

    @Override
    public void end(EventSummary s) {
        write(true);
        summary.set(s);
    }

    /** The summary once the stream has ended, the first time it is asked for (null before, and after). */
    EventSummary takeSummary() {
        return summary.getAndSet(null);
    }
}
