package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

import dev.gewyvern.session.Engine;
import dev.gewyvern.session.control.ControlServer;
import dev.gewyvern.session.control.StateDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gew serve}: the optional background mode (SPEC 3). Serves the paired control plane over gRPC
 * while it runs, holds the sessions applied through it, and detaches all of them when it exits.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the paired control plane (leserpent) over gRPC on a Unix socket until SIGINT or SIGTERM;",
                "every session applied through it is detached when it exits."})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--socket", paramLabel = "PATH", description = "The Unix socket (default ${DEFAULT-VALUE}).",
            defaultValue = "/run/gewyvern/gewyvern.sock")
    Path socket;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Keys and pairing (default ${DEFAULT-VALUE}).",
            defaultValue = "/var/lib/gewyvern")
    Path stateDir;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Engine engine = Engines.start("serve", err);
        StateDir state;
        ControlServer server;
        try {
            state = new StateDir(stateDir).open();
            server = ControlServer.startUnix(socket, engine, state, line -> {
                synchronized (err) {
                    err.println(Instant.now() + " gew serve: " + line);
                    err.flush();
                }
            });
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (String held : engine.ownSessions()) {
                err.println("gew serve: exiting: detaching session " + held);
            }
            err.flush();
            server.close();
            engine.close();
        }, "gew-serve-exit"));
        out.println("gew serve: listening on " + server.socket() + " (instance " + engine.instanceId() + ")");
        out.flush();
        server.awaitTermination();
        return 0;
    }
}
