package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.proto.v1.SessionDetail;

/**
 * `--watch`: the session's maps every interval, each cut to its top entries by value ({@code --limit}), with
 * how much each moved since the last look. On a terminal the new look replaces the last one in place. A
 * look that fails (a map the kernel will not read, the session going away) is printed as such and the
 * watch goes on: a watch never ends a session.
 */
final class Watcher {
    private final int top;
    private final boolean inPlace;
    private final Map<String, Map<String, Long>> before = new HashMap<>();
    private int lastLines;

    Watcher(int top, boolean inPlace) {
        this.top = top;
        this.inPlace = inPlace;
    }

    void look(PrintWriter out, Supplier<SessionDetail> session, Duration at) {
        StringWriter frame = new StringWriter();
        PrintWriter f = new PrintWriter(frame);
        f.println("-- " + SessionHolder.human(at) + " --");
        try {
            SessionDetail d = session.get();
            MapText.table(d.getMapsList()).print(f);
            for (MapContents m : d.getMapsList()) {
                MapContents shown = MapText.top(m, top);
                MapText.entries(f, shown, before.get(m.getName()));
                before.put(m.getName(), MapText.numbers(m));
            }
        } catch (RuntimeException e) {
            f.println("  cannot read the session now: " + e.getMessage());
        }
        f.flush();
        String text = frame.toString();
        if (inPlace && lastLines > 0) {
            out.print("\033[" + lastLines + "F\033[J"); // up to the last look's first line, and clear from there
        }
        out.print(text);
        out.flush();
        lastLines = (int) text.chars().filter(c -> c == '\n').count();
    }
}
