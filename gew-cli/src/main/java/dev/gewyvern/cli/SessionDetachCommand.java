package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.gewyvern.proto.v1.DetachResult;
import dev.gewyvern.session.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "detach", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew session detach execcount-3f9a",
            "  gew session detach 3f9   # a unique start of an id", "  gew session detach execcount-3f9a -o json"},
        description = "Detach a session and unpin all of it: links, then programs, then maps.")
final class SessionDetachCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The session id (see gew session list).")
    String id;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        try (Engine engine = Engines.observe("session detach", spec.commandLine().getErr())) {
            int n = engine.detach(id);
            // the message gRPC DetachSession returns
            PrintWriter out = spec.commandLine().getOut();
            output.print(out, DetachResult.newBuilder().setSessionId(id).setPinsRemoved(n).build(),
                    r -> out.println("detached session " + r.getSessionId() + " (" + r.getPinsRemoved() + " pins removed)"));
        }
        return 0;
    }
}
