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

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Engine engine = Engines.observe("map dump", spec.commandLine().getErr())) {
            // every page into one report: the map as the kernel describes it, and all its entries
            MapContents.Builder all = null;
            byte[] token = null;
            do {
                MapContents page = engine.readMap(map.session, map.map, token, PAGE);
                if (all == null) {
                    all = page.toBuilder().clearEntries().clearNextToken();
                }
                all.addAllEntries(page.getEntriesList());
                token = page.getNextToken().isEmpty() ? null : page.getNextToken().toByteArray();
            } while (token != null);
            MapContents dump = all.build();
            output.print(out, dump, d -> {
                Table t = Table.plain(2).wrap(1);
                for (MapEntry e : d.getEntriesList()) {
                    t.row(e.getKeyText(), e.getValueText());
                }
                t.print(out);
            });
            if (dump.getEntriesCount() == 0 && !output.json()) {
                spec.commandLine().getErr().println("gew: map '" + map.map + "' has no entries");
            }
        }
        return 0;
    }
}
