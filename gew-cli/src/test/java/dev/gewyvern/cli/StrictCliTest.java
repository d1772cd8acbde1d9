package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * The bad-input walk: every command of the tree, given a flag it does not have, and a table of wrong values and
 * flags that do not go together, exits 2 (4 for a missing file) with one line on stderr that names the command
 * and no stack trace, class name or Java exception text; every command's help has an example. In process (the
 * launcher's own path is GewCommandsIT's): each case fails before any kernel call.
 */
class StrictCliTest {
    /** What must never reach a user: a trace line, a class or package name, Java's exception words. */
    private static final Pattern JAVA = Pattern.compile("\\tat |Exception|java\\.|dev\\.gewyvern|picocli|internal error");

    record Run(int exit, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    static Run gew(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** Every command's words after "gew", groups included, help excluded. */
    static List<List<String>> commands() {
        List<List<String>> out = new ArrayList<>();
        walk(GewCommand.full(), new ArrayList<>(), out);
        return out;
    }

    private static void walk(CommandLine c, List<String> path, List<List<String>> out) {
        c.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().userObject() instanceof HelpCommand) {
                return;
            }
            List<String> p = new ArrayList<>(path);
            p.add(name);
            out.add(p);
            walk(sub, p, out);
        });
    }

    private static void assertOneLineError(Run r, int exit, String... contains) {
        String what = r.toString();
        assertEquals(exit, r.exit(), what);
        assertEquals("", r.out(), what);
        assertEquals(1, r.errLines().size(), "one line: " + what);
        String line = r.errLines().get(0);
        assertTrue(line.startsWith("gew: "), what);
        assertFalse(JAVA.matcher(line).find(), "no Java text: " + what);
        for (String c : contains) {
            assertTrue(line.contains(c), "'" + c + "' in: " + what);
        }
    }

    @Test
    void theWalkReachesEveryCommand() {
        List<String> names = commands().stream().map(p -> String.join(" ", p)).toList();
        for (String c : List.of("session apply", "session replay", "runtime info", "probe list", "object inspect",
                "btf dump", "serve", "pair", "unpair", "completion")) {
            assertTrue(names.contains(c), c + " in " + names);
        }
    }

    @Test
    void everyCommandRefusesAFlagItDoesNotHave() {
        for (List<String> path : commands()) {
            List<String> args = new ArrayList<>(path);
            args.add("--no-such-flag");
            CommandLine c = GewCommand.full();
            for (String w : path) {
                c = c.getSubcommands().get(w);
            }
            // what the command requires is given, so that a missing one is not what it reports
            for (var o : c.getCommandSpec().requiredArgs()) {
                if (o.isOption()) {
                    args.add(((CommandLine.Model.OptionSpec) o).longestName());
                }
                if (o.arity().min() > 0) {
                    var values = o.completionCandidates();
                    args.add(values != null && values.iterator().hasNext() ? values.iterator().next() : "x");
                }
            }
            Run r = gew(args.toArray(String[]::new));
            assertOneLineError(r, 2, "--no-such-flag", "(see 'gew help " + String.join(" ", path) + "')");
        }
    }

    @Test
    void aGroupWithoutACommandListsItsCommands() {
        assertOneLineError(gew("session"), 2, "session: name a command: apply, list, show, detach, export, replay");
        assertOneLineError(gew("runtime"), 2, "name a command: info");
    }

    @Test
    void anUnknownCommandIsNamedWithTheNearestOne() {
        assertOneLineError(gew("sesion", "list"), 2, "'sesion' is not a command of gew", "did you mean session");
        assertOneLineError(gew("session", "detatch"), 2, "'detatch' is not a command of gew session", "did you mean detach");
        assertOneLineError(gew("frobnicate"), 2, "'frobnicate' is not a command of gew");
        assertOneLineError(gew("help", "frobnicate"), 2, "frobnicate");
    }

    @Test
    void zeroAndNegativeDurationsLimitsAndTtlsAreUsageErrors(@TempDir Path dir) {
        assertOneLineError(gew("session", "apply", "--duration", "-1s", "x.txtpb"), 2, "--duration",
                "'-1s' is not a positive duration");
        assertOneLineError(gew("session", "apply", "--duration", "0s", "x.txtpb"), 2, "not a positive duration");
        assertOneLineError(gew("session", "apply", "--watch", "0ms", "x.txtpb"), 2, "--watch");
        assertOneLineError(gew("session", "apply", "--duration", "soon", "x.txtpb"), 2, "'soon' is not a duration");
        assertOneLineError(gew("session", "replay", "--duration", "-5m", "x.json"), 2, "not a positive duration");
        assertOneLineError(gew("session", "show", "--limit", "0", "someid"), 2, "--limit", "not a positive number");
        assertOneLineError(gew("session", "show", "--limit", "-1", "someid"), 2, "not a positive number");
        String state = dir.toString();
        assertOneLineError(gew("pair", "--state-dir", state, "--ttl", "1s"), 2, "--ttl 1s", "between 1m and 24h");
        assertOneLineError(gew("pair", "--state-dir", state, "--ttl", "25h"), 2, "between 1m and 24h");
        assertOneLineError(gew("pair", "--state-dir", state, "--ttl", "-1m"), 2, "not a positive duration");
    }

    @Test
    void flagsThatDoNotApplyAreRefused(@TempDir Path dir) throws Exception {
        Path pipeline = Files.writeString(dir.resolve("p.txtpb"), "name: \"x\"\n");
        String p = pipeline.toString();
        String obj = Gew.repo().resolve("testdata/obj/execcount.bpf.o").toString();
        assertOneLineError(gew("session", "apply", p, "--name", "other"), 2, "--name and --load-only go with --object");
        assertOneLineError(gew("session", "apply", p, "--load-only"), 2, "--name and --load-only go with --object");
        assertOneLineError(gew("session", "apply", p, "--object", obj), 2, "a pipeline file or --object, not both");
        assertOneLineError(gew("session", "apply", p, "--program", "count_execs"), 2, "go with --object");
        assertOneLineError(gew("session", "apply", p, "--dry-run", "--duration", "1s"), 2, "--dry-run loads nothing");
        assertOneLineError(gew("session", "apply", p, "--dry-run", "--background"), 2, "--dry-run loads nothing");
        assertOneLineError(gew("session", "apply", p, "--background", "--run", "true"), 2, "--background");
        assertOneLineError(gew("session", "apply", p, "--limit", "5"), 2, "--limit shapes what --watch prints");
        assertOneLineError(gew("session", "apply", p, "--duration", "1s", "--perf-pages", "8"), 2,
                "--perf-pages sizes the perf buffers --events reads");
        assertOneLineError(gew("session", "replay", "x.json", "--limit", "5"), 2, "--limit shapes what --watch prints");
        assertOneLineError(gew("session", "apply", "--object", obj, "--load-only", "--program", "count_execs"), 2,
                "--load-only loads every program");
        assertOneLineError(gew("session", "apply", "--object", obj), 2, "--program");
        assertOneLineError(gew("session", "apply"), 2, "give a pipeline file");
        assertOneLineError(gew("pair", "--state-dir", dir.toString(), "--status", "--ttl", "5m"), 2, "--status");
        assertOneLineError(gew("pair", "--state-dir", dir.toString(), "--status", "--replace"), 2, "--status");
        assertOneLineError(gew("serve", "--listen", "tcp://nohost:99999"), 2, "--listen", "tcp://HOST:PORT");
        assertOneLineError(gew("serve", "--listen", "tcp://[::1"), 2, "--listen");
        assertOneLineError(gew("serve", "--listen", "unix:///x", "--socket", "/tmp/x"), 2, "--listen");
        assertOneLineError(gew("serve", "--listen", "tcp://127.0.0.1:7443", "--socket", dir.resolve("s").toString()),
                2, "--socket or --listen, not both");
        assertOneLineError(gew("object", "inspect", "--target-btf", obj, obj), 2, "--target-btf");
        assertOneLineError(gew("btf", "dump"), 2, "a FILE or --kernel");
        assertOneLineError(gew("completion", "fish"), 2, "SHELL", "fish");
        assertOneLineError(gew("completion"), 2, "SHELL");
        assertOneLineError(gew("session", "show"), 2, "ID");
    }

    @Test
    void aFileThatIsNotThereIsNamedInWordsAndExitsFour() {
        assertOneLineError(gew("object", "inspect", "/nonexistent.o"), 4,
                "cannot read /nonexistent.o: no such file or folder");
        assertOneLineError(gew("session", "apply", "/nonexistent.txtpb"), 4,
                "cannot read pipeline /nonexistent.txtpb: no such file or folder");
        assertOneLineError(gew("session", "apply", "--object", "/nonexistent.o", "--load-only"), 4,
                "cannot read /nonexistent.o: no such file or folder");
        assertOneLineError(gew("session", "replay", "/nonexistent.json"), 4, "no such file or folder");
        assertOneLineError(gew("btf", "dump", "/nonexistent.btf"), 4, "no such file or folder");
    }

    @Test
    void helpOfEveryCommandHasAnExampleAndFits() {
        Run top = gew("help");
        assertEquals(0, top.exit(), top.toString());
        for (String c : GewCommand.SUBCOMMANDS.keySet()) {
            assertTrue(top.out().contains("  " + c + " "), c + " in " + top);
        }
        for (List<String> path : commands()) {
            List<String> args = new ArrayList<>(List.of("help"));
            args.addAll(path);
            Run r = gew(args.toArray(String[]::new));
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("\nExamples:\n  "), "an example in " + r);
            CommandLine c = GewCommand.full();
            for (String w : path) {
                c = c.getSubcommands().get(w);
            }
            for (String example : c.getCommandSpec().usageMessage().footer()) {
                assertTrue(example.length() <= c.getCommandSpec().usageMessage().width(), "not wrapped: " + example);
            }
            for (String line : r.out().split("\n")) {
                assertTrue(line.length() <= 120, "at most 120 columns: '" + line + "'");
                assertFalse(line.endsWith(" "), "no trailing space: '" + line + "'");
            }
            List<String> dashH = new ArrayList<>(path);
            dashH.add("--help");
            assertEquals(r.out(), gew(dashH.toArray(String[]::new)).out(), "gew help X is gew X --help");
        }
    }

    @Test
    void completionCoversTheWholeTree() {
        for (String shell : List.of("bash", "zsh")) {
            Run r = gew("completion", shell);
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("complete -F"), r.out());
            assertTrue(r.out().contains("bashcompinit"), "zsh loads bash completion");
            for (List<String> path : commands()) {
                assertTrue(r.out().contains(path.get(path.size() - 1)), path + " completes");
            }
            for (String flag : List.of("--load-only", "--dry-run", "--target-btf", "--limit", "--ttl", "--listen")) {
                assertTrue(r.out().contains(flag), flag + " completes");
            }
        }
    }
}
