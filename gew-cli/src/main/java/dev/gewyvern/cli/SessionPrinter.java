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
                if (pp.getName().equals(p.name())) {
                    target = AttachSpec.format(pp.getAttach());
                }
            }
            out.printf("  %-20s %-12s %-40s id %d  tag %s  %d insns verified%s%n", p.name(), p.type(), target, p.id(),
                    p.tag(), p.verifiedInsns(), p.mapIds().isEmpty() ? "" : "  map ids " + p.mapIds().stream()
                            .map(String::valueOf).collect(java.util.stream.Collectors.joining(",")));
            out.printf("  %-20s xlated %d B  jited %d B  loaded %s  btf id %d  %s%n", "", p.xlatedBytes(),
                    p.jitedBytes(), p.loadedAtUnixMs() == 0 ? "at an unknown time" : time(p.loadedAtUnixMs()), p.btfId(),
                    verification(p));
        }
        if (!v.links().isEmpty()) {
            out.println("links");
            for (SessionView.LinkView l : v.links()) {
                out.printf("  %-20s %-15s id %d  prog id %d%s%n", l.name(), l.type(), l.id(), l.progId(),
                        l.target().isEmpty() ? "" : "  " + l.target());
            }
        }
        out.println("maps");
        for (SessionView.MapView m : v.maps()) {
            map(out, m, Integer.MAX_VALUE);
        }
        out.flush();
    }

    /** What verifying the program cost, as the session recorded it when it was loaded. */
    static String verification(SessionView.ProgramView p) {
        var v = p.verification();
        if (v == null) {
            return "verifier statistics not recorded";
        }
        return "verifier " + v.getProcessedInsns() + " insns processed"
                + (v.getVerifierTimeUs() < 0 ? "" : " in " + v.getVerifierTimeUs() + " us")
                + ", load call " + String.format(java.util.Locale.ROOT, "%.2f ms", v.getLoadCallNs() / 1e6);
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
        out.printf("  %s  %s  key %s  value %s  id %d  %d/%d entries%s  (key %d B, value %d B%s%s)%n", m.name(),
                m.type(), m.keyType(), m.valueType(), m.id(), m.totalEntries(), m.maxEntries(),
                entries.size() < m.totalEntries() ? " (" + entries.size() + " shown)" : "", m.keySize(), m.valueSize(),
                m.flags() == 0 ? "" : ", flags 0x" + Integer.toHexString(m.flags()),
                m.btfId() == 0 ? "" : ", btf id " + m.btfId());
        int width = 0;
        for (SessionView.Entry e : entries) {
            width = Math.max(width, e.key().length());
        }
        for (SessionView.Entry e : entries) {
            out.printf("    %-" + Math.max(1, width) + "s  %s%n", e.key(), e.value());
        }
    }
}
