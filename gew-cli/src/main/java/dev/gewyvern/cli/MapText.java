package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.proto.v1.MapEntry;

/**
 * The text of map reports ({@link MapContents}), one form wherever a map is printed (`gew map list|show`,
 * `gew session show`, `--watch`): a table of maps, one row each, then each map's entries under its name.
 */
final class MapText {
    private MapText() {
    }

    /** One row per map: its type, key and value types, kernel id, entries, and what sets it apart. */
    static Table table(List<MapContents> maps) {
        Table t = Table.of("MAP", "TYPE", "KEY", "VALUE", "ID", "ENTRIES", "NOTES").right(4).wrap(2, 3, 6);
        for (MapContents m : maps) {
            t.row(m.getName(), m.getType(), m.getKeyType(), m.getValueType(), m.getId() == 0 ? "" : m.getId(),
                    m.hasRing() || m.getMaxEntries() == 0 ? "" : m.getTotalEntries() + "/" + m.getMaxEntries(),
                    notes(m));
        }
        return t;
    }

    /** What sets a map apart: sizes, BTF, flags, a ring's positions, a perf array's readers, why it is unread. */
    static String notes(MapContents m) {
        List<String> n = new ArrayList<>();
        if (m.hasRing()) {
            long pending = m.getRing().getProducer() - m.getRing().getConsumer();
            n.add(m.getRing().getSize() + " B ring, consumer at " + m.getRing().getConsumer() + ", producer at "
                    + m.getRing().getProducer() + " (" + (pending == 0 ? "nothing pending" : pending + " B pending")
                    + ")");
        } else if (m.getId() != 0) {
            n.add("key " + m.getKeySize() + " B, value " + m.getValueSize() + " B");
        }
        if (m.getType().equals("perf_event_array")) {
            n.add(m.getPerfEventCpusCount() == 0 ? "no reader (--events " + m.getName() + " reads it)"
                    : "read on CPU " + m.getPerfEventCpusList().stream().map(String::valueOf)
                    .collect(Collectors.joining(",")));
        }
        if (m.getBtfId() != 0) {
            n.add("btf id " + m.getBtfId());
        }
        if (m.getFlags() != 0) {
            n.add("flags 0x" + Integer.toHexString(m.getFlags()));
        }
        if (m.getFrozen()) {
            n.add("frozen");
        }
        if (m.getPerCpu()) {
            n.add("per CPU");
        }
        if (!m.getReadError().isEmpty() && !m.hasRing()) {
            n.add("cannot read its entries: " + m.getReadError());
        }
        return String.join("; ", n);
    }

    /**
     * A map's entries under a line naming it (nothing for a map whose entries are not read: a ring, a perf
     * event array, one that could not be read); when every entry holds a number they come largest first. With
     * {@code before} (the numbers of the last look, by key) each shows how much it moved.
     */
    static void entries(PrintWriter out, MapContents m, Map<String, Long> before) {
        if (m.hasRing() || m.getType().equals("perf_event_array") || !m.getReadError().isEmpty()) {
            return;
        }
        List<MapEntry> entries = top(m, Integer.MAX_VALUE).getEntriesList();
        out.println(m.getName() + (entries.isEmpty() ? ": no entries"
                : entries.size() < m.getTotalEntries() ? " (" + entries.size() + " of " + m.getTotalEntries()
                + " entries" + (numeric(entries) ? ", largest first)" : ")") : ""));
        boolean deltas = before != null && numeric(entries);
        Table t = Table.plain(deltas ? 3 : 2).indent("  ").wrap(1);
        for (MapEntry e : entries) {
            if (deltas) {
                Long was = before.get(e.getKeyText());
                long now = number(e);
                t.row(e.getKeyText(), e.getValueText(), was == null ? "new" : now == was ? ""
                        : String.format("%+d", now - was));
            } else {
                t.row(e.getKeyText(), e.getValueText());
            }
        }
        t.print(out);
    }

    private static boolean numeric(List<MapEntry> entries) {
        return !entries.isEmpty() && entries.stream().allMatch(e -> e.getNumberCase() != MapEntry.NumberCase.NUMBER_NOT_SET);
    }

    /** An entry's number as the kernel holds its bits (an unsigned value beyond Long.MAX_VALUE is negative). */
    private static long number(MapEntry e) {
        return e.getNumberCase() == MapEntry.NumberCase.SIGNED_VALUE ? e.getSignedValue() : e.getUnsignedValue();
    }

    /** The number an entry holds, for sorting (unsigned values beyond Long.MAX_VALUE sort as the largest). */
    private static double magnitude(MapEntry e) {
        return e.getNumberCase() == MapEntry.NumberCase.SIGNED_VALUE ? e.getSignedValue()
                : e.getUnsignedValue() < 0 ? Math.pow(2, 64) + e.getUnsignedValue() : e.getUnsignedValue();
    }

    /** The map with its entries sorted largest first when they are all numbers, and cut to {@code top}. */
    static MapContents top(MapContents m, int top) {
        List<MapEntry> entries = new ArrayList<>(m.getEntriesList());
        if (numeric(entries)) {
            entries.sort(Comparator.comparingDouble(MapText::magnitude).reversed());
        }
        return m.toBuilder().clearEntries().addAllEntries(entries.subList(0, Math.min(top, entries.size()))).build();
    }

    /** The numbers of a map's entries by key, for the next look's deltas. */
    static Map<String, Long> numbers(MapContents m) {
        Map<String, Long> out = new HashMap<>();
        for (MapEntry e : m.getEntriesList()) {
            if (e.getNumberCase() != MapEntry.NumberCase.NUMBER_NOT_SET) {
                out.put(e.getKeyText(), number(e));
            }
        }
        return out;
    }
}
