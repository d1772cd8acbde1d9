package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.proto.v1.MapEntry;
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
        for (MapContents m : v.maps()) {
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
    static void map(PrintWriter out, MapContents m, int top) {
        map(out, m, top, null);
    }

    /** The number an entry holds, for sorting (unsigned values beyond Long.MAX_VALUE sort as the largest). */
    private static double number(MapEntry e) {
        return e.getNumberCase() == MapEntry.NumberCase.SIGNED_VALUE ? e.getSignedValue()
                : e.getUnsignedValue() < 0 ? Math.pow(2, 64) + e.getUnsignedValue() : e.getUnsignedValue();
    }

    /**
     * A map and its entries; when every entry holds a number they are listed largest first, at most {@code top}
     * of them, and with {@code before} (the numbers of the last look, by key) each shows how much it moved.
     */
    static void map(PrintWriter out, MapContents m, int top, java.util.Map<String, Long> before) {
        String head = "  " + m.getName() + "  " + m.getType();
        if (m.hasRing()) {
            var r = m.getRing();
            long pending = r.getProducer() - r.getConsumer();
            out.printf("%s  id %d  %d B  consumer at %d, producer at %d (%s)%n", head, m.getId(), r.getSize(),
                    r.getConsumer(), r.getProducer(), pending == 0 ? "nothing pending" : pending + " B pending");
            return;
        }
        if (m.getType().equals("perf_event_array")) {
            out.printf("%s  id %d  %d slots  %s%n", head, m.getId(), m.getMaxEntries(),
                    m.getPerfEventCpusCount() == 0 ? "no CPU's slot holds a perf event (nothing reads it: --events "
                            + m.getName() + ")" : "perf events on CPU " + m.getPerfEventCpusList().stream()
                            .map(String::valueOf).collect(java.util.stream.Collectors.joining(",")));
            return;
        }
        List<MapEntry> entries = new ArrayList<>(m.getEntriesList());
        boolean numeric = !entries.isEmpty() && entries.stream().allMatch(e -> e.getNumberCase()
                != MapEntry.NumberCase.NUMBER_NOT_SET);
        if (numeric) {
            entries.sort(Comparator.comparingDouble(SessionPrinter::number).reversed());
        }
        if (entries.size() > top) {
            entries = entries.subList(0, top);
        }
        out.printf("%s  key %s  value %s  id %d  %d/%d entries%s  (key %d B, value %d B%s%s%s)%n", head,
                m.getKeyType(), m.getValueType(), m.getId(), m.getTotalEntries(), m.getMaxEntries(),
                entries.size() < m.getTotalEntries() ? " (" + entries.size() + " shown)" : "", m.getKeySize(),
                m.getValueSize(), m.getFlags() == 0 ? "" : ", flags 0x" + Integer.toHexString(m.getFlags()),
                m.getBtfId() == 0 ? "" : ", btf id " + m.getBtfId(), m.getFrozen() ? ", frozen" : "");
        if (!m.getReadError().isEmpty()) {
            out.printf("    cannot read its entries: %s%n", m.getReadError());
            return;
        }
        int width = 0;
        int valueWidth = 0;
        for (MapEntry e : entries) {
            width = Math.max(width, e.getKeyText().length());
            valueWidth = Math.max(valueWidth, e.getValueText().length());
        }
        for (MapEntry e : entries) {
            String delta = "";
            if (before != null && numeric) {
                Long was = before.get(e.getKeyText());
                long now = e.getNumberCase() == MapEntry.NumberCase.SIGNED_VALUE ? e.getSignedValue()
                        : e.getUnsignedValue();
                delta = was == null ? "  new" : now == was ? "" : String.format("  %+d", now - was);
            }
            if (delta.isEmpty()) {
                out.printf("    %-" + Math.max(1, width) + "s  %s%n", e.getKeyText(), e.getValueText());
            } else {
                out.printf("    %-" + Math.max(1, width) + "s  %-" + Math.max(1, valueWidth) + "s%s%n", e.getKeyText(),
                        e.getValueText(), delta);
            }
        }
    }

    /** The map with its entries sorted largest first when they are all numbers, and cut to {@code top}. */
    static MapContents top(MapContents m, int top) {
        List<MapEntry> entries = new ArrayList<>(m.getEntriesList());
        if (!entries.isEmpty() && entries.stream().allMatch(e -> e.getNumberCase() != MapEntry.NumberCase.NUMBER_NOT_SET)) {
            entries.sort(Comparator.comparingDouble(SessionPrinter::number).reversed());
        }
        return m.toBuilder().clearEntries().addAllEntries(entries.subList(0, Math.min(top, entries.size()))).build();
    }

    /** The numbers of a map's entries by key, for the next look's deltas. */
    static java.util.Map<String, Long> numbers(MapContents m) {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        for (MapEntry e : m.getEntriesList()) {
            if (e.getNumberCase() != MapEntry.NumberCase.NUMBER_NOT_SET) {
                out.put(e.getKeyText(), e.getNumberCase() == MapEntry.NumberCase.SIGNED_VALUE ? e.getSignedValue()
                        : e.getUnsignedValue());
            }
        }
        return out;
    }
}
