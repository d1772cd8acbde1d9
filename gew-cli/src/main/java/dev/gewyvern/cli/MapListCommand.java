package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.gewyvern.session.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Engine engine = Engines.observe("map list", spec.commandLine().getErr())) {
            output.print(out, engine.listMaps(session), list -> MapText.table(list.getMapsList()).print(out));
        }
        return 0;
    }
}
