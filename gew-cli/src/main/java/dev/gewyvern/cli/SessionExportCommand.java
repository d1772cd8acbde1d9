package dev.gewyvern.cli;

import java.util.concurrent.Callable;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.gewyvern.session.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gew session export ID --json}: the session's record (its Pipeline and status) as protobuf JSON. */
@Command(name = "export", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew session export ID --json > session.json"},
        description = "Print a session's record (its Pipeline, phase, objects) as JSON, for `gew session replay`.")
final class SessionExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The session id (see gew session list).")
    String id;

    @Option(names = "--json", required = true, description = "JSON, protobuf's mapping (the only export format).")
    boolean json;

    @Override
    public Integer call() throws InvalidProtocolBufferException {
        try (Engine engine = Engines.observe("session export", spec.commandLine().getErr())) {
            spec.commandLine().getOut().println(JsonFormat.printer().print(engine.show(id, 0).getRecord()));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
