package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.proto.v1.MapEntry;
import dev.gewyvern.session.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "lookup", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew map lookup execsnoop-3f9a counts --key '\"bash\"'",
            "  gew map lookup execsnoop-3f9a totals --key 7 -o json"},
        description = "The value under one key. Exits 4 when the map holds no such key.")
final class MapLookupCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MapOptions map;

    @Mixin
    OutputOption output;

    @Option(names = "--key", required = true, paramLabel = "JSON",
            description = "The key, as JSON typed by the map's BTF (--key '\"bash\"', --key 42, --key '{\"pid\":1}') "
                    + "or hex:HEX for its raw bytes.")
    String key;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Engine engine = Engines.observe("map lookup", spec.commandLine().getErr())) {
            MapContents m = engine.lookupMap(map.session, map.map, MapData.json(key));
            if (m.getEntriesCount() == 0) {
                spec.commandLine().getErr().println("gew: map '" + map.map + "' has no entry under " + key);
                spec.commandLine().getErr().flush();
                return ExitCode.NOT_FOUND.code();
            }
            MapEntry e = m.getEntries(0);
            output.print(out, e, entry -> out.println(entry.getValueText()));
        }
        return 0;
    }
}
