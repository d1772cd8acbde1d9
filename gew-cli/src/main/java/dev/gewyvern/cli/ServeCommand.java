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
 * {@code gew serve}: the optional background mode (docs/spec.md §3). Serves the paired control plane over gRPC
 * while it runs, holds the sessions applied through it, and detaches all of them when it exits.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew serve",
            "  gew serve --socket /run/gewyvern/other.sock",
            "  gew serve --listen tcp://0.0.0.0:7443"},
        description = "Serve the paired control plane (leserpent) over gRPC on a Unix socket until SIGINT or SIGTERM; every session applied through it is detached when it exits.")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--socket", paramLabel = "PATH", description = "The Unix socket (default ${DEFAULT-VALUE}), made 0600. Its folder must be root's and "
            + "writable by no one else, reached through root's folders with no symbolic link; a missing folder is "
            + "created 0700, an existing one is never changed.",
            defaultValue = "/run/gewyvern/gewyvern.sock")
    Path socket;

    @Option(names = "--listen", paramLabel = "tcp://HOST:PORT",
            description = "Serve TLS 1.3 over TCP instead of the Unix socket (plain TCP is never offered).")
    String listen;

    @Option(names = "--object-dir", paramLabel = "DIR",
            description = "A folder of BPF objects and BTF files the control plane may name by path (objects[].path, "
                    + "target_btf), inside it only. Without it the control plane sends objects as bytes and no file is "
                    + "read for it. It must be root's and writable by no one else.")
    Path objectDir;

    @Option(names = "--allow-risky", description = "Let the control plane apply pipelines with risky requirements. This is the runtime owner's local decision; no request can ask for it.")
    boolean allowRisky;

    @picocli.CommandLine.Mixin
    StateDirOption stateDir;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (listen != null) {
            parseListen(listen);
            if (spec.commandLine().getParseResult().hasMatchedOption("--socket")) {
                throw new UserError("--listen serves TCP instead of the Unix socket: give --socket or --listen, not both");
            }
        }
        dev.gewyvern.session.ObjectFiles files;
        try {
            files = objectDir == null ? dev.gewyvern.session.ObjectFiles.NONE
                    : dev.gewyvern.session.ObjectFiles.under(objectDir);
        } catch (dev.gewyvern.session.SessionException e) {
            throw new UserError(e.getMessage(), ExitCode.of(e.kind()));
        }
        Engine engine = Engines.start("serve", err, dev.gewyvern.session.RiskPolicy.fromLocalCommandLine(allowRisky));
        StateDir state;
        ControlServer server;
        try {
            state = stateDir.open();
            java.util.function.Consumer<String> log = line -> {
                synchronized (err) {
                    err.println(Instant.now() + " gew serve: " + line);
                    err.flush();
                }
            };
            if (listen == null) {
                server = ControlServer.startUnix(socket, engine, files, state, log);
            } else {
                java.net.URI uri = parseListen(listen);
                server = ControlServer.startTcp(uri.getHost(), uri.getPort(), engine, files, state, log);
            }
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> exit(server, engine, err), "gew-serve-exit"));
        out.println("gew serve: listening on " + (listen == null ? server.address() : "tcp://" + parseListen(listen)
                .getHost() + ":" + server.port() + " (TLS 1.3)") + " (instance " + engine.instanceId() + ")");
        out.flush();
        server.awaitTermination();
        return 0;
    }

    /** How long an apply still in flight at exit is waited for before the sessions are detached anyway. */
    static final java.time.Duration APPLY_GRACE = java.time.Duration.ofSeconds(5);
    /** If the exit has not finished after this long, the process halts (what is still pinned is an orphan). */
    static final long EXIT_DEADLINE_MS = 30_000;

    /**
     * The exit, bounded in time: stop serving (at most {@link ControlServer#close}'s grace), then detach every
     * session this instance holds, waiting at most {@link #APPLY_GRACE} for an apply in flight. A watchdog
     * halts the process if even that hangs, so SIGTERM always ends gew serve; the next gew to start would
     * clean an orphan left that way.
     */
    private static void exit(ControlServer server, Engine engine, PrintWriter err) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(EXIT_DEADLINE_MS);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("gew serve: the exit did not finish in " + EXIT_DEADLINE_MS / 1000 + " s: halting");
            Runtime.getRuntime().halt(1);
        }, "gew-serve-exit-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            server.close();
        } finally {
            for (String held : engine.ownSessions()) {
                System.err.println("gew serve: exiting: detaching session " + held);
            }
            engine.close(APPLY_GRACE);
            watchdog.interrupt();
        }
    }

    private static java.net.URI parseListen(String listen) {
        try {
            java.net.URI uri = new java.net.URI(listen);
            if (!"tcp".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0 || uri.getPort() > 65535) {
                throw new UserError("--listen '" + listen + "': want tcp://HOST:PORT (TLS 1.3; plain TCP is not offered)");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new UserError("--listen '" + listen + "': want tcp://HOST:PORT (" + e.getReason() + ")");
        }
    }
}
