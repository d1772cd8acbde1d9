package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.gewyvern.session.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "show", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew session show ID",
            "  gew session show ID --limit 10 -o json"},
        description = "A session's programs, maps and links as the kernel describes them (ids, tags, sizes, verifier "
                + "statistics), with map contents printed by their BTF key and value types.")
final class SessionShowCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The session id (see gew session list).")
    String id;

    @Option(names = "--limit", defaultValue = "100", converter = Positive.class, description = "At most this many entries per map (default ${DEFAULT-VALUE}).")
    int limit;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        try (Engine engine = Engines.observe("session show", spec.commandLine().getErr())) {
            PrintWriter out = spec.commandLine().getOut();
            output.print(out, engine.show(id, limit), d -> SessionDetailText.print(out, d));
        }
        return 0;
    }
}
