package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.gewyvern.proto.v1.MapWriteResult;
import dev.gewyvern.session.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "delete", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew map delete execsnoop-3f9a counts --key '\"bash\"'",
            "  gew map delete execsnoop-3f9a totals --key hex:07000000"},
        description = "Deletes the entry under one key (an array's entries cannot be deleted). Exits 4 when there was none.")
final class MapDeleteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MapOptions map;

    @Mixin
    OutputOption output;

    @Option(names = "--key", required = true, paramLabel = "JSON",
            description = "The key, as JSON typed by the map's BTF, or hex:HEX for its raw bytes.")
    String key;

    @Override
    public Integer call() {
        try (Engine engine = Engines.observe("map delete", spec.commandLine().getErr())) {
            boolean existed = engine.deleteMapEntry(map.session, map.map, MapData.json(key));
            PrintWriter out = spec.commandLine().getOut();
            output.print(out, MapWriteResult.newBuilder().setSessionId(map.session).setMap(map.map).setExisted(existed)
                    .build(), r -> {
                if (existed) {
                    out.println("deleted " + key + " from map '" + map.map + "'");
                }
            });
            if (!existed) {
                spec.commandLine().getErr().println("gew: map '" + map.map + "' has no entry under " + key);
                spec.commandLine().getErr().flush();
                return ExitCode.NOT_FOUND.code();
            }
        }
        return 0;
    }
}
