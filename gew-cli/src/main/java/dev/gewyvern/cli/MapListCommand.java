package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.session.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew map list execsnoop-3f9a",
            "  gew map list 3f9 -o json   # a unique start of an id"},
        description = "A session's maps: type, key and value types, entries, and what user space can do with each.")
final class MapListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SESSION", description = "The session id (see gew session list).")
    String session;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json.")
    MapOptions.Format output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Engine engine = Engines.observe("map list", spec.commandLine().getErr())) {
            List<MapContents> maps = new ArrayList<>();
            for (String name : engine.mapNames(session)) {
                maps.add(engine.describeMap(session, name, 0));
            }
            if (output == MapOptions.Format.json) {
                StringBuilder sb = new StringBuilder("{\"session\":\"").append(session).append("\",\"maps\":[");
                for (int i = 0; i < maps.size(); i++) {
                    sb.append(i == 0 ? "" : ",").append(MapJson.of(maps.get(i)));
                }
                out.println(sb.append("]}"));
            } else {
                int nw = "NAME".length();
                int tw = "TYPE".length();
                int kw = "KEY".length();
                int vw = "VALUE".length();
                for (MapContents m : maps) {
                    nw = Math.max(nw, m.getName().length());
                    tw = Math.max(tw, m.getType().length());
                    kw = Math.max(kw, m.getKeyType().length());
                    vw = Math.max(vw, m.getValueType().length());
                }
                String row = "%-" + nw + "s  %-" + tw + "s  %-" + kw + "s  %-" + vw + "s  %-13s  %s%n";
                out.printf(row, "NAME", "TYPE", "KEY", "VALUE", "ENTRIES", "NOTES");
                for (MapContents m : maps) {
                    out.printf(row, m.getName(), m.getType(), m.getKeyType(), m.getValueType(),
                            m.hasRing() ? "-" : m.getTotalEntries() + "/" + m.getMaxEntries(), notes(m)).flush();
                }
                out.flush();
            }
        }
        return 0;
    }

    /** What sets a map apart: frozen, a ring's positions, a perf array's readers, why it cannot be read. */
    static String notes(MapContents m) {
        List<String> n = new ArrayList<>();
        if (m.hasRing()) {
            n.add(m.getRing().getSize() + " B ring, " + (m.getRing().getProducer() - m.getRing().getConsumer())
                    + " B pending");
        }
        if (m.getType().equals("perf_event_array")) {
            n.add(m.getPerfEventCpusCount() == 0 ? "no reader" : "read on CPU " + m.getPerfEventCpusList().stream()
                    .map(String::valueOf).collect(java.util.stream.Collectors.joining(",")));
        }
        if (m.getFrozen()) {
            n.add("frozen");
        }
        if (m.getPerCpu()) {
            n.add("per CPU");
        }
        if (!m.getReadError().isEmpty() && !m.hasRing()) {
            n.add(m.getReadError());
        }
        return String.join("; ", n);
    }
}
