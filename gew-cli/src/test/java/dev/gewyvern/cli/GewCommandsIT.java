package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.util.JsonFormat;
import dev.gewyvern.proto.v1.DetachResult;
import org.junit.jupiter.api.Test;

/** The gew launcher end to end: what a user types, what a user sees, and what is left in bpffs. */
class GewCommandsIT {
    private static final Pattern LIVE = Pattern.compile("session (\\S+) is live");
    private static final Pattern PINNED = Pattern.compile("pinned at (\\S+)");
    private static final String PIPELINE = "testdata/pipelines/execcount.txtpb";

    private static String sessionId(String liveLine) {
        Matcher m = LIVE.matcher(liveLine);
        assertTrue(m.find(), liveLine);
        return m.group(1);
    }

    private static Path pinned(String out) {
        Matcher m = PINNED.matcher(out);
        assertTrue(m.find(), out);
        return Path.of(m.group(1));
    }

    @Test
    void runtimeInfoReportsTheKernel() throws Exception {
        Gew.Result r = Gew.run("runtime", "info");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("kernel") && r.out().contains(System.getProperty("os.version")), r.toString());
        assertTrue(r.out().contains("/sys/kernel/btf/vmlinux"), r.toString());
        assertTrue(r.err().isEmpty(), "nothing on stderr: " + r.err());
    }

    @Test
    void nonRootIsRefusedBeforeAnyKernelCall() throws Exception {
        Path copy = Gew.worldReadableCopy();
        Gew.Result r;
        try {
            r = Gew.runLauncher(copy.resolve("gew"), List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
                    "session", "list");
        } finally {
            Gew.deleteTree(copy);
        }
        assertEquals(77, r.exit(), r.toString());
        assertTrue(r.err().contains("needs root (effective uid is 65534)"), r.toString());
        assertFalse(r.err().contains("Exception"), "no stack trace: " + r.err());
    }

    @Test
    void applyWatchRunShowsCountsGrowingAndLeavesNothing() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("session", "apply", PIPELINE, "--watch", "500ms",
                "--run", "for i in 1 2 3 4; do /bin/true; sleep 0.4; done");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("verify   program count_execs: verified"), r.toString());
        assertTrue(r.out().contains("attach   program count_exits -> tracepoint:sched:sched_process_exit"), r.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("exec_counts\\s+hash\\s+char\\[16\\]\\s+__u64\\s+.*")),
                r.toString());
        assertTrue(r.out().contains("\"true\""), "the exits of /bin/true are counted: " + r);
        assertTrue(r.out().contains("exited with status 0 (7 pins removed)"), r.toString());
        assertFalse(Files.exists(pinned(r.out()), LinkOption.NOFOLLOW_LINKS), "session folder removed");
    }

    @Test
    void flagFormAppliesOneProgram() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("session", "apply", "--object", "testdata/obj/execcount.bpf.o",
                "--program", "count_execs", "--attach", "tracepoint:syscalls:sys_enter_execve", "--duration", "200ms");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("create   session execcount-"), r.toString());
        assertTrue(r.out().contains("(5 pins removed)"), "record, both maps, one program, one link: " + r);

        Gew.Result loadOnly = Gew.run("session", "apply", "--object", "testdata/obj/execcount.bpf.o", "--load-only",
                "--duration", "200ms");
        assertEquals(0, loadOnly.exit(), loadOnly.toString());
        assertTrue(loadOnly.out().contains("verify   program count_exits: verified"), loadOnly.toString());
        assertFalse(loadOnly.out().contains("attach "), "nothing attached: " + loadOnly);
        assertTrue(loadOnly.out().contains("(5 pins removed)"), "record, both maps, both programs: " + loadOnly);
    }

    @Test
    void listShowAndDetachFromAnotherShell() throws Exception {
        Gew.requireBpf();
        try (Gew.Running holder = new Gew.Running("session", "apply", PIPELINE)) {
            String id = sessionId(holder.awaitLine("is live"));
            Path dir = pinned(holder.out.toString());
            assertTrue(Files.isDirectory(dir));

            Gew.Result list = Gew.run("session", "list");
            assertEquals(0, list.exit(), list.toString());
            // the table may cut ids to a unique start (other sessions on the machine decide its width)
            assertTrue(list.out().contains(id.substring(0, SessionListCommand.idMinimum(id)))
                    && list.out().contains("COMMITTED"), list.toString());
            assertTrue(list.out().contains("count_execs,count_exits"), list.toString());
            Gew.Result json = Gew.run("session", "list", "-o", "json");
            assertEquals(0, json.exit(), json.toString());
            assertTrue(json.out().contains("\"session_id\": \"" + id + "\""), json.toString());
            assertTrue(json.out().contains("\"owner_running\": true"), json.toString());

            new ProcessBuilder("/bin/true").start().waitFor();
            Gew.Result show = Gew.run("session", "show", id);
            assertEquals(0, show.exit(), show.toString());
            assertTrue(show.out().contains("count_execs") && show.out().contains("tracepoint:syscalls:sys_enter_execve"),
                    show.toString());
            assertTrue(show.out().lines().anyMatch(l -> l.matches("exit_counts\\s+hash\\s+char\\[16\\]\\s+__u64\\s+.*")),
                    show.toString());

            Gew.Result detach = Gew.run("session", "detach", id, "-o", "json");
            assertEquals(0, detach.exit(), detach.toString());
            // the DetachResult report (-o json): record, both maps, both programs, both links
            DetachResult.Builder detached = DetachResult.newBuilder();
            JsonFormat.parser().merge(detach.out(), detached);
            assertEquals(id, detached.getSessionId(), detach.toString());
            assertEquals(7, detached.getPinsRemoved(), detach.toString());
            assertEquals(0, holder.waitFor());
            assertTrue(holder.rest().contains("was detached from elsewhere"), holder.out.toString());
            assertFalse(Files.exists(dir, LinkOption.NOFOLLOW_LINKS));
        }
    }

    @Test
    void sigtermDetaches() throws Exception {
        Gew.requireBpf();
        try (Gew.Running holder = new Gew.Running("session", "apply", PIPELINE)) {
            holder.awaitLine("is live");
            Path dir = pinned(holder.out.toString());
            holder.process.destroy(); // SIGTERM
            holder.waitFor();
            assertFalse(Files.exists(dir, LinkOption.NOFOLLOW_LINKS), "SIGTERM detached " + dir);
            assertFalse(Files.exists(dir.getParent().getParent(), LinkOption.NOFOLLOW_LINKS), "instance folder removed");
        }
    }

    @Test
    void afterSigkillTheNextGewCleansTheOrphan() throws Exception {
        Gew.requireBpf();
        String id;
        Path dir;
        try (Gew.Running holder = new Gew.Running("session", "apply", PIPELINE)) {
            id = sessionId(holder.awaitLine("is live"));
            dir = pinned(holder.out.toString());
            new ProcessBuilder("kill", "-KILL", Long.toString(holder.process.pid())).start().waitFor();
            holder.waitFor();
        }
        assertTrue(Files.isDirectory(dir), "a SIGKILLed owner leaves its pins");
        Gew.Result list = Gew.run("session", "list", "-o", "json");
        assertEquals(0, list.exit(), list.toString());
        // the next gew to start cleans it: this one, or any other gew that started in between (other tests)
        assertTrue(list.err().contains("cleaned session " + id) || !list.out().contains(id), list.toString());
        assertFalse(list.out().contains(id), "the orphan is not adopted: " + list);
        assertFalse(Files.exists(dir, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void backgroundHolderLivesAsLongAsItsSessionAndExportReplays() throws Exception {
        Gew.requireBpf();
        Gew.Result bg = Gew.run("session", "apply", PIPELINE, "--background");
        assertEquals(0, bg.exit(), bg.toString());
        Matcher m = Pattern.compile("session (\\S+) is live, held by process (\\d+)").matcher(bg.out());
        assertTrue(m.find(), bg.toString());
        String id = m.group(1);
        long pid = Long.parseLong(m.group(2));
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the holder runs");

        Gew.Result export = Gew.run("session", "export", id, "--json");
        assertEquals(0, export.exit(), export.toString());
        assertTrue(export.out().contains("\"sessionId\": \"" + id + "\""), export.toString());
        Path json = Files.createTempFile("gew-export", ".json");
        try {
            Files.writeString(json, export.out());
            Gew.Result detach = Gew.run("session", "detach", id);
            assertEquals(0, detach.exit(), detach.toString());
            ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the holder ended with its session");

            Gew.Result replay = Gew.run("session", "replay", json.toString(), "--duration", "300ms");
            assertEquals(0, replay.exit(), replay.toString());
            assertTrue(replay.out().contains("program count_exits -> tracepoint:sched:sched_process_exit"), replay.toString());
            assertTrue(replay.out().contains("(7 pins removed)"), replay.toString());

            Files.writeString(json, "{\"pipeline\": {\"nme\": 1}}");
            Gew.Result bad = Gew.run("session", "replay", json.toString());
            assertEquals(2, bad.exit(), "a usage error: " + bad);
            assertTrue(bad.err().contains("is not an exported session or a Pipeline in JSON"), bad.toString());
        } finally {
            Files.deleteIfExists(json);
        }
    }

    @Test
    void dryRunPrintsTheReportAndThePlanAndMakesNothing() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("session", "apply", PIPELINE, "--dry-run");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("would apply: every requirement is admitted"), r.toString());
        assertTrue(r.out().contains("BPF_PROG_LOAD ProgLoadAttr[progType=5"), r.toString());
        assertTrue(r.out().contains("BPF_LINK_CREATE LinkCreateAttr[progFd=1000"), r.toString());
        assertFalse(r.out().contains("pinned at"), r.toString());
        Gew.Result json = Gew.run("session", "apply", PIPELINE, "--dry-run", "-o", "json");
        assertEquals(0, json.exit(), json.toString());
        var doc = com.google.gson.JsonParser.parseString(json.out()).getAsJsonObject();
        assertEquals("WOULD_APPLY", doc.get("verdict").getAsString(), json.out());
        assertTrue(doc.getAsJsonObject("compatibility").get("admissible").getAsBoolean(), json.out());
        assertTrue(doc.getAsJsonArray("plan").get(0).getAsString().startsWith("BPF_"), json.out());
        Gew.Result notDry = Gew.run("session", "apply", PIPELINE, "-o", "json");
        assertEquals(2, notDry.exit(), "-o json without --dry-run is a usage error: " + notDry);
        Gew.Result list = Gew.run("session", "list", "-o", "json");
        assertFalse(list.out().contains("execcount-"), "a dry run leaves no session: " + list);
    }

    @Test
    void userMistakesAreOneClearLine() throws Exception {
        Gew.Result missing = Gew.run("session", "apply", "testdata/pipelines/nope.txtpb");
        assertEquals(4, missing.exit(), "not found: " + missing);
        assertTrue(missing.err().contains("cannot read pipeline testdata/pipelines/nope.txtpb: no such file or folder"),
                missing.toString());
        assertFalse(missing.err().contains("\tat "), "no stack trace: " + missing);

        Gew.Result badAttach = Gew.run("session", "apply", "--object", "testdata/obj/execcount.bpf.o",
                "--program", "count_execs", "--attach", "kprobes:do_sys_open");
        assertEquals(2, badAttach.exit(), "a usage error: " + badAttach);
        assertTrue(badAttach.err().contains("want tracepoint:CATEGORY:NAME"), badAttach.toString());

        Gew.Result noSession = Gew.run("session", "detach", "no-such-session");
        assertEquals(4, noSession.exit(), "not found: " + noSession);
        assertTrue(noSession.err().contains("no session 'no-such-session'"), noSession.toString());

        Gew.Result traversal = Gew.run("session", "show", "../../etc");
        assertEquals(2, traversal.exit(), "a usage error: " + traversal);
        assertTrue(traversal.err().startsWith("gew: show: invalid session id"), "names the step it failed in: " + traversal);
    }
}
