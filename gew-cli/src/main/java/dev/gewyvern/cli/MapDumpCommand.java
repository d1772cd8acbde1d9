package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.proto.v1.MapEntry;
import dev.gewyvern.session.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "dump", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew map dump execsnoop-3f9a counts",
            "  gew map dump execsnoop-3f9a counts -o json"},
        description = "Every entry of a map, in the kernel's order, read in batches (BPF_MAP_LOOKUP_BATCH) where the "
                + "map type has them; per-CPU maps show each CPU's value.")
final class MapDumpCommand implements Callable<Integer> {
    private static final int PAGE = 1024;

    @Spec
    CommandSpec spec;

    @Mixin
    MapOptions map;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Engine engine = Engines.observe("map dump", spec.commandLine().getErr())) {
            byte[] token = null;
            boolean first = true;
            long n = 0;
            do {
                MapContents page = engine.readMap(map.session, map.map, token, PAGE);
                if (first && map.json()) {
                    out.print(MapJson.head(page)); // the entries follow, page by page
                }
                for (MapEntry e : page.getEntriesList()) {
                    if (map.json()) {
                        out.print((n == 0 ? "" : ",") + MapJson.entry(e));
                    } else {
                        out.println(e.getKeyText() + "  " + e.getValueText());
                    }
                    n++;
                }
                first = false;
                token = page.getNextToken().isEmpty() ? null : page.getNextToken().toByteArray();
            } while (token != null);
            if (map.json()) {
                out.println("]}");
            } else if (n == 0) {
                spec.commandLine().getErr().println("gew: map '" + map.map + "' has no entries");
            }
            out.flush();
        }
        return 0;
    }
}
