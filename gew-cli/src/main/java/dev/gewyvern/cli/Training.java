package dev.gewyvern.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gewyvern.proto.v1.SessionSummary;
import dev.gewyvern.session.Engine;
import dev.gewyvern.session.PinRoot;

/**
 * The AppCDS training run of the build: every command a user runs, on its real path, in one JVM that
 * records the classes they load (-XX:ArchiveClassesAtExit), so that a user's command finds its classes in
 * the archive instead of loading, verifying and linking them from the jars. Not a command: the build calls
 * {@code java -cp gew-cli.jar dev.gewyvern.cli.Training TESTDATA}.
 *
 * <p>It runs {@code runtime info} (text and JSON), {@code object inspect} (with --core, and as JSON), then as
 * root on a kernel with BPF: a dry run, a load-only apply of a CO-RE object, an apply that attaches a
 * tracepoint and is held while {@code session list}, {@code session show} (text and JSON) and
 * {@code session detach} run against it, and a control server started and stopped on a Unix socket in a
 * temporary folder. What cannot run here (no root, no BPF) is skipped and said so; the training never
 * fails the build. Everything it creates in the kernel is its own session, detached before it ends.
 */
final class Training {
    private static final PrintStream OUT = System.out;

    private Training() {
    }

    public static void main(String[] args) throws Exception {
        Path testdata = Path.of(args.length > 0 ? args[0] : "testdata").toAbsolutePath().normalize();
        Path core = testdata.resolve("obj/core_kernel.bpf.o");
        Path execcount = testdata.resolve("obj/execcount.bpf.o");
        run("--version");
        run("runtime", "info");
        run("runtime", "info", "-o", "json");
        run("object", "inspect", "--core", core.toString());
        run("object", "inspect", "-o", "json", execcount.toString());
        run("session", "apply", "--help");
        if (dev.gewyvern.syscall.KernelAccess.effectiveUid() != 0) {
            OUT.println("training: not root, so the kernel paths (apply, list, show, serve) are not trained");
            return;
        }
        run("session", "apply", "--dry-run", "--object", core.toString(), "--load-only");
        run("session", "apply", "--object", core.toString(), "--load-only", "--run", "true");
        held(execcount);
        run("session", "list");
        run("session", "list", "-o", "json");
        serve();
    }

    /** An attached session held by apply while list, show and detach run against it from "another shell". */
    private static void held(Path execcount) throws InterruptedException {
        String name = "gew-training-" + ProcessHandle.current().pid();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread holder = new Thread(() -> exit.set(run("session", "apply", "--object", execcount.toString(),
                "--name", name, "--program", "count_execs", "--attach", "tracepoint:syscalls:sys_enter_execve",
                "--duration", "60s")), "training-holder");
        holder.start();
        String id = null;
        for (int i = 0; i < 300 && id == null && holder.isAlive(); i++) {
            Thread.sleep(20);
            id = sessionNamed(name);
        }
        if (id == null) {
            OUT.println("training: the held session did not come up (apply exit " + exit.get() + ")");
            holder.join();
            return;
        }
        run("session", "list");
        run("session", "list", "-o", "json");
        run("session", "show", id);
        run("session", "show", "-o", "json", id);
        run("session", "detach", id);
        holder.join(30_000);
    }

    private static String sessionNamed(String name) {
        try (Engine e = Engine.observe(new PinRoot(PinRoot.DEFAULT))) {
            for (SessionSummary s : e.list().getSessionsList()) {
                if (s.getRecord().getPipeline().getName().equals(name)) {
                    return s.getRecord().getSessionId();
                }
            }
        } catch (RuntimeException e) {
            OUT.println("training: cannot list sessions: " + e.getMessage());
        }
        return null;
    }

    /** The control server's start and stop on a Unix socket (no client: the runtime ships none). */
    private static void serve() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("gew-training");
            dev.gewyvern.session.control.StateDir state = new dev.gewyvern.session.control.StateDir(dir.resolve("state"))
                    .open();
            try (Engine engine = Engine.start(new PinRoot(PinRoot.DEFAULT), "gew serve (training)");
                 var server = dev.gewyvern.session.control.ControlServer.startUnix(dir.resolve("gew.sock"), engine,
                         state, line -> { })) {
                OUT.println("training: control server listening on " + server.address());
            }
        } catch (Exception e) {
            OUT.println("training: control server not trained: " + e);
        } finally {
            if (dir != null) {
                remove(dir);
            }
        }
    }

    /** Runs one command line as {@code gew} would, its output to the training log; returns its exit code. */
    private static int run(String... args) {
        int code;
        synchronized (Training.class) {
            OUT.println("training: gew " + String.join(" ", args));
        }
        try {
            code = Main.run(args);
        } catch (RuntimeException e) {
            code = -1;
            OUT.println("training: gew " + String.join(" ", args) + " threw " + e);
        }
        return code;
    }

    private static void remove(Path dir) {
        try (var walk = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(walk.toList());
            java.util.Collections.reverse(all);
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (java.io.IOException e) {
            OUT.println("training: cannot remove " + dir + ": " + e.getMessage());
        }
    }
}
