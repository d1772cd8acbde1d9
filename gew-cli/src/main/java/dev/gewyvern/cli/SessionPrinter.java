package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.session.SessionView;

/** Text rendering of sessions and their maps. */
final class SessionPrinter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private SessionPrinter() {
    }

    static String time(long unixMs) {
        return TIME.format(Instant.ofEpochMilli(unixMs));
    }

    static void show(PrintWriter out, SessionView v) {
        var r = v.record();
        out.printf("session   %s%n", r.getSessionId());
        out.printf("phase     %s since %s%n", r.getPhase(), time(r.getUpdatedUnixMs()));
        out.printf("instance  %s (owner %s)%n", r.getInstanceId(), v.ownerAlive() ? "running" : "gone");
        out.printf("pinned    %s%n", v.pinPath());
        out.println("programs");
        for (SessionView.ProgramView p : v.programs()) {
            String target = "";
            for (Program pp : r.getPipeline().getProgramsList()) {
                if (pp.getName().equals(p.name()) && pp.getAttach().hasTracepoint()) {
                    target = "tracepoint:" + pp.getAttach().getTracepoint().getCategory() + ":"
                            + pp.getAttach().getTracepoint().getName();
                }
            }
            out.printf("  %-20s %-12s %-40s id %d  tag %s  %d insns verified%n", p.name(), p.type(), target, p.id(),
                    p.tag(), p.verifiedInsns());
        }
        out.println("maps");
        for (SessionView.MapView m : v.maps()) {
            map(out, m, Integer.MAX_VALUE);
        }
        out.flush();
    }

    /** A map and its entries; numeric values are listed largest first, at most {@code top} of them. */
    static void map(PrintWriter out, SessionView.MapView m, int top) {
        List<SessionView.Entry> entries = new ArrayList<>(m.entries());
        if (entries.stream().allMatch(e -> e.value().matches("-?\\d+"))) {
            entries.sort(Comparator.comparing((SessionView.Entry e) -> Long.parseLong(e.value())).reversed());
        }
        if (entries.size() > top) {
            entries = entries.subList(0, top);
        }
        out.printf("  %s  %s  key %s  value %s  id %d  %d/%d entries%s%n", m.name(), m.type(), m.keyType(),
                m.valueType(), m.id(), m.totalEntries(), m.maxEntries(),
                entries.size() < m.totalEntries() ? " (" + entries.size() + " shown)" : "");
        int width = 0;
        for (SessionView.Entry e : entries) {
            width = Math.max(width, e.key().length());
        }
        for (SessionView.Entry e : entries) {
            out.printf("    %-" + Math.max(1, width) + "s  %s%n", e.key(), e.value());
        }
    }
}
