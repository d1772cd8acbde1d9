package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.session.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "show", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew map show execsnoop-3f9a counts --limit 5",
            "  gew map show execsnoop-3f9a execs   # a ring buffer: size and positions"},
        description = "One map of a session as the kernel describes it, and what user space sees of it: its first "
                + "entries (numbers largest first), a ring buffer's positions, the CPUs a perf event array is read on.")
final class MapShowCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MapOptions map;

    @Mixin
    OutputOption output;

    @Option(names = "--limit", defaultValue = "20", paramLabel = "N",
            description = "At most N entries, the largest values first when they are numbers (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Engine engine = Engines.observe("map show", spec.commandLine().getErr())) {
            // every entry is read so that the largest come first; then cut to --limit
            MapContents m = MapText.top(engine.describeMap(map.session, map.map, Integer.MAX_VALUE), limit);
            output.print(out, m, shown -> {
                MapText.table(List.of(shown)).print(out);
                MapText.entries(out, shown, null);
                if (!shown.getWriteRefusal().isEmpty()) {
                    out.println("read-only here: " + shown.getWriteRefusal());
                }
            });
        }
        return 0;
    }
}
