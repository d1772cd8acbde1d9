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

    private final PrintWriter out;
    private final boolean json;
    private final Object lock;
    private volatile EventSummary summary;

    EventLines(PrintWriter out, boolean json, Object lock) {
        this.out = out;
        this.json = json;
        this.lock = lock;
    }

    private static Instant at(long unixNs) {
        return Instant.ofEpochSecond(unixNs / 1_000_000_000L, unixNs % 1_000_000_000L);
    }

    private static String quote(String s) {
        return "\"" + BtfValues.escapeJson(s) + "\"";
    }

    /** One event as its line (without the line end). */
    String line(Event e) {
        if (json) {
            StringBuilder sb = new StringBuilder("{\"map\":").append(quote(e.getMap()));
            if (e.getCpu() >= 0) {
                sb.append(",\"cpu\":").append(e.getCpu());
            }
            sb.append(",\"time\":").append(quote(at(e.getUnixNs()).toString()));
            if (!e.getType().isEmpty()) {
                sb.append(",\"type\":").append(quote(e.getType()));
            }
            sb.append(",\"event\":").append(dev.gewyvern.session.JsonValues.text(e.getEvent()));
            if (!e.getError().isEmpty()) {
                sb.append(",\"error\":").append(quote(e.getError()));
            }
            return sb.append('}').toString();
        }
        return CLOCK.format(at(e.getUnixNs())) + " " + e.getMap() + (e.getCpu() >= 0 ? " cpu " + e.getCpu() : "")
                + "  " + e.getText() + (e.getError().isEmpty() ? "" : "  (" + e.getError() + ")");
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
        String l = line(e);
        synchronized (lock) {
            out.println(l);
        }
    }

    @Override
    public void loss(EventLoss l) {
        String s = line(l);
        synchronized (lock) {
            out.println(s);
            out.flush();
        }
    }

    @Override
    public void idle() {
        synchronized (lock) {
            out.flush();
        }
    }

    @Override
    public void end(EventSummary s) {
        summary = s;
    }

    /** The summary once the stream has ended (null before). */
    EventSummary summary() {
        return summary;
    }
}
