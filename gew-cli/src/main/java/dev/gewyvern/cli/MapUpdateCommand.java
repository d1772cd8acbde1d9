package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.gewyvern.proto.v1.MapWriteResult;
import dev.gewyvern.proto.v1.UpdateMode;
import dev.gewyvern.session.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "update", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew map update execsnoop-3f9a counts --key '\"bash\"' --value 41",
            "  gew map update 3f9 versions --key 1 --value '{\"major\":2}' --mode exist"},
        description = "Writes one entry. A frozen map (e.g. .rodata), one opened read-only, and maps whose values are "
                + "programs, maps or perf events are refused with the reason.")
final class MapUpdateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MapOptions map;

    @Mixin
    OutputOption output;

    @Option(names = "--key", required = true, paramLabel = "JSON",
            description = "The key, as JSON typed by the map's BTF, or hex:HEX for its raw bytes.")
    String key;

    @Option(names = "--value", required = true, paramLabel = "JSON",
            description = "The value, as JSON typed by the map's BTF (a struct as an object), or hex:HEX; a per-CPU map "
                    + "takes one value for every CPU or a list with one per possible CPU.")
    String value;

    /** BPF_ANY, BPF_NOEXIST, BPF_EXIST. */
    enum Mode { any, noexist, exist }

    @Option(names = "--mode", defaultValue = "any", paramLabel = "MODE",
            description = "any (default): create or replace; noexist: only create; exist: only replace.")
    Mode mode;

    @Override
    public Integer call() {
        try (Engine engine = Engines.observe("map update", spec.commandLine().getErr())) {
            engine.updateMap(map.session, map.map, MapData.json(key), MapData.json(value), switch (mode) {
                case any -> UpdateMode.UPDATE_ANY;
                case noexist -> UpdateMode.UPDATE_NOEXIST;
                case exist -> UpdateMode.UPDATE_EXIST;
            });
            PrintWriter out = spec.commandLine().getOut();
            output.print(out, MapWriteResult.newBuilder().setSessionId(map.session).setMap(map.map).build(),
                    r -> out.println("updated map '" + map.map + "' of session " + map.session));
        }
        return 0;
    }
}
