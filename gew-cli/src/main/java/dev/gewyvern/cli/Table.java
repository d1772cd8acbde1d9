package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * A text table as every report prints it: each column as wide as its widest cell, two spaces between
 * columns, the whole at most {@link #WIDTH} columns, and no line ending in a space. When the content is
 * wider, the columns that may wrap are wrapped (widest first, at spaces or commas where they can be) down to
 * {@value #WRAP_FIRST} characters; if it is still too wide, columns of ids are cut to a unique start of each id
 * (every command taking a session id takes a unique start of it), then the wrapping columns narrow further and
 * at last any column wraps. A cell no wider than its column is never touched.
 */
final class Table {
    /** The most columns a table takes, indent included. */
    static final int WIDTH = 120;
    /** A wrapped column keeps at least this many characters per line. */
    private static final int MIN_WRAP = 12;
    /** Columns that may wrap are narrowed to this before any id is cut. */
    private static final int WRAP_FIRST = 24;
    private static final String GAP = "  ";
    private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd HH:mm:ss").withZone(java.time.ZoneId.systemDefault());

    private final String[] headers;
    private final boolean[] right;
    private final boolean[] wraps;
    private final List<ToIntFunction<String>> keep = new ArrayList<>();
    private final List<String[]> rows = new ArrayList<>();
    private final java.util.Map<Integer, List<String>> notes = new java.util.HashMap<>();
    private final java.util.Map<Integer, String> spans = new java.util.HashMap<>();
    private boolean header = true;
    private String indent = "";

    private Table(String... headers) {
        this.headers = headers.clone();
        this.right = new boolean[headers.length];
        this.wraps = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            keep.add(null);
        }
    }

    /** A moment (Unix milliseconds) as every table prints it: local date and time to the second. */
    static String time(long unixMs) {
        return TIME.format(java.time.Instant.ofEpochMilli(unixMs));
    }

    /** A table with these column headings, every column left-aligned and neither cut nor wrapped. */
    static Table of(String... headers) {
        return new Table(headers);
    }

    /** A table of {@code columns} columns with no heading line (a list of names and values, say). */
    static Table plain(int columns) {
        Table t = new Table(new String[columns]);
        t.header = false;
        return t;
    }

    /** Numbers: aligned right. */
    Table right(int... columns) {
        for (int c : columns) {
            right[c] = true;
        }
        return this;
    }

    /** Columns that may wrap onto more lines when the table is too wide. */
    Table wrap(int... columns) {
        for (int c : columns) {
            wraps[c] = true;
        }
        return this;
    }

    /**
     * A column of ids that may be cut, when the table is too wide, to the shortest start of each id that no
     * other id of the column shares, but never shorter than {@code minimum} gives for the id.
     */
    Table ids(int column, ToIntFunction<String> minimum) {
        keep.set(column, minimum);
        return this;
    }

    /** Every line starts with this (a table inside a section); it counts against the width. */
    Table indent(String prefix) {
        this.indent = prefix;
        return this;
    }

    /** A row: one cell per column (null prints as nothing); a row with fewer cells leaves the rest empty. */
    Table row(Object... cells) {
        String[] r = new String[headers.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = i < cells.length && cells[i] != null ? String.valueOf(cells[i]) : "";
        }
        rows.add(r);
        return this;
    }

    /**
     * A line under the last row, from its second column on, wrapped to the table's width: what belongs to the
     * row but not in a column (a program's calls, a problem). Notes do not widen the columns.
     */
    Table note(String text) {
        notes.computeIfAbsent(rows.size() - 1, k -> new ArrayList<>()).add(text);
        return this;
    }

    /**
     * A row of only its first cell, whose other columns hold one text instead (a map that cannot be made, with
     * why), wrapped to the table's width; like a note it widens nothing.
     */
    Table span(Object first, String text) {
        row(first);
        spans.put(rows.size() - 1, text);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintWriter out) {
        for (String line : lines(WIDTH)) {
            out.println(line);
        }
    }

    /** The table's lines, at most {@code width} columns each. */
    List<String> lines(int width) {
        int n = headers.length;
        List<String[]> body = new ArrayList<>();
        if (header) {
            String[] h = new String[n];
            for (int i = 0; i < n; i++) {
                h[i] = headers[i] == null ? "" : headers[i];
            }
            body.add(h);
        }
        body.addAll(rows);
        int[] w = widths(body);
        int room = width - indent.length() - GAP.length() * (n - 1);
        int[] limit = w.clone();
        shrink(limit, room, true, WRAP_FIRST);
        if (sum(limit) > room && keep.stream().anyMatch(k -> k != null)) {
            cutIds(body, header ? 1 : 0);
            limit = widths(body);
        }
        shrink(limit, room, true, MIN_WRAP);
        shrink(limit, room, false, MIN_WRAP); // nothing left that may wrap: the widest columns of all wrap
        List<String> out = new ArrayList<>();
        int offset = indent.length() + (n > 1 ? limit[0] + GAP.length() : 0);
        for (int at = 0; at < body.size(); at++) {
            String[] r = body.get(at);
            String span = spans.get(at - (header ? 1 : 0));
            if (span != null) {
                List<String> parts = wrapCell(span, Math.max(MIN_WRAP, width - offset));
                for (int i = 0; i < parts.size(); i++) {
                    String lead = i == 0 ? indent + r[0] + " ".repeat(Math.max(0, offset - indent.length() - length(r[0])))
                            : " ".repeat(offset);
                    out.add(stripEnd(lead + parts.get(i)));
                }
                continue;
            }
            List<List<String>> cells = new ArrayList<>();
            int height = 1;
            for (int i = 0; i < n; i++) {
                List<String> parts = wrapCell(r[i], limit[i]);
                cells.add(parts);
                height = Math.max(height, parts.size());
            }
            for (int line = 0; line < height; line++) {
                StringBuilder sb = new StringBuilder(indent);
                for (int i = 0; i < n; i++) {
                    String s = line < cells.get(i).size() ? cells.get(i).get(line) : "";
                    int pad = limit[i] - length(s);
                    if (right[i]) {
                        sb.append(" ".repeat(Math.max(0, pad))).append(s);
                    } else {
                        sb.append(s).append(" ".repeat(Math.max(0, pad)));
                    }
                    if (i + 1 < n) {
                        sb.append(GAP);
                    }
                }
                out.add(stripEnd(sb));
            }
            for (String note : notes.getOrDefault(at - (header ? 1 : 0), List.of())) {
                for (String part : wrapCell(note, Math.max(MIN_WRAP, width - offset))) {
                    out.add(stripEnd(" ".repeat(offset) + part));
                }
            }
        }
        return out;
    }

    /** Narrows the widest column (of those that may wrap, or of all) until the table fits or none is above floor. */
    private void shrink(int[] limit, int room, boolean wrappingOnly, int floor) {
        while (sum(limit) > room) {
            int widest = -1;
            for (int i = 0; i < limit.length; i++) {
                if ((wraps[i] || !wrappingOnly) && limit[i] > floor && (widest < 0 || limit[i] > limit[widest])) {
                    widest = i;
                }
            }
            if (widest < 0) {
                return;
            }
            // down to the next widest first, so that the wide columns share the narrowing
            int next = floor;
            for (int i = 0; i < limit.length; i++) {
                if (i != widest && (wraps[i] || !wrappingOnly)) {
                    next = Math.max(next, Math.min(limit[i], limit[widest]));
                }
            }
            int cut = limit[widest] > next ? limit[widest] - next : 1;
            limit[widest] -= Math.min(cut, sum(limit) - room);
        }
    }

    private int[] widths(List<String[]> body) {
        int[] w = new int[headers.length];
        for (String[] r : body) {
            for (int i = 0; i < w.length; i++) {
                w[i] = Math.max(w[i], length(r[i]));
            }
        }
        return w;
    }

    private static int sum(int[] w) {
        int s = 0;
        for (int x : w) {
            s += x;
        }
        return s;
    }

    /** Each id of an id column cut to its shortest unique start (the heading row, first, is left alone). */
    private void cutIds(List<String[]> body, int from) {
        for (int c = 0; c < headers.length; c++) {
            if (keep.get(c) == null) {
                continue;
            }
            Set<String> all = new HashSet<>();
            for (int r = from; r < body.size(); r++) {
                all.add(body.get(r)[c]);
            }
            for (int r = from; r < body.size(); r++) {
                String id = body.get(r)[c];
                body.get(r)[c] = uniqueStart(id, all, keep.get(c).applyAsInt(id));
            }
        }
    }

    /** The shortest start of {@code id}, at least {@code minimum} long, that no other of {@code all} starts with. */
    static String uniqueStart(String id, Set<String> all, int minimum) {
        for (int len = Math.max(1, minimum); len < id.length(); len++) {
            String start = id.substring(0, len);
            boolean shared = false;
            for (String other : all) {
                if (!other.equals(id) && other.startsWith(start)) {
                    shared = true;
                    break;
                }
            }
            if (!shared) {
                return start;
            }
        }
        return id;
    }

    /** A cell in lines of at most {@code width}: broken after a space or comma where one is, else anywhere. */
    static List<String> wrapCell(String s, int width) {
        List<String> lines = new ArrayList<>();
        String rest = s;
        while (length(rest) > width) {
            int cut = -1;
            for (int i = Math.min(width, rest.length() - 1); i > width / 3; i--) {
                char c = rest.charAt(i - 1);
                if (c == ' ' || c == ',') {
                    cut = i;
                    break;
                }
            }
            if (cut < 0) {
                cut = rest.offsetByCodePoints(0, width);
            }
            lines.add(stripEnd(new StringBuilder(rest.substring(0, cut))));
            rest = rest.substring(cut).stripLeading();
        }
        lines.add(rest);
        return lines;
    }

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    private static String stripEnd(CharSequence sb) {
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == ' ') {
            end--;
        }
        return sb.subSequence(0, end).toString();
    }
}
