package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/**
 * `gew session apply … --events` prints the execs of its own --run command, decoded by the object's BTF type,
 * from a ring buffer and a perf buffer, as text and as JSON lines (one object per line, numbers as numbers),
 * and ends with a summary. Other processes exec on this machine at the same time: the test looks for the
 * events of the command it ran, by its file name and pid.
 */
class EventsIT {
    private static final String OBJECT = "testdata/pipelines/execsnoop.txtpb";

    /** The run command: a shell that prints its pid, then execs a program whose name is unique to this run. */
    private static String runCommand(String marker) {
        return "echo pid=$$ >&2; exec /bin/true " + marker;
    }

    @Test
    void jsonLinesCarryTypedEventsFromBothBuffersAndASummary() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("session", "apply", OBJECT, "--events", "execs:struct exec_event",
                "--events", "exec_perf_events:exec_event", "-o", "json", "--run", runCommand("evjson"));
        assertEquals(0, r.exit(), r.toString());
        List<JsonObject> lines = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            // with -o json stdout holds JSON lines only: the session's progress goes to stderr
            lines.add(JsonParser.parseString(line).getAsJsonObject());
        }
        assertTrue(r.err().contains("is live"), r.toString());
        int pid = pidOf(r.err());
        int ring = 0;
        int perf = 0;
        for (JsonObject l : lines) {
            if (!l.has("event") || !l.getAsJsonObject("event").has("pid")
                    || l.getAsJsonObject("event").get("pid").getAsInt() != pid
                    // the --run shell's own exec has the same pid: the test counts the exec of /bin/true
                    || !l.getAsJsonObject("event").get("filename").getAsString().equals("/bin/true")) {
                continue;
            }
            JsonObject e = l.getAsJsonObject("event");
            assertEquals("struct exec_event", l.get("type").getAsString(), l.toString());
            assertEquals("/bin/true", e.get("filename").getAsString(), l.toString());
            assertEquals("true", e.get("comm").getAsString(), l.toString());
            assertEquals(0, e.get("uid").getAsInt(), l.toString());
            assertEquals("BY_ROOT", e.get("by").getAsString(), l.toString());
            assertTrue(e.get("cgroup").getAsJsonPrimitive().isNumber(), l.toString());
            if (l.get("map").getAsString().equals("execs")) {
                ring++;
            } else {
                assertEquals("exec_perf_events", l.get("map").getAsString());
                assertTrue(l.get("cpu").getAsInt() >= 0, l.toString());
                perf++;
            }
        }
        assertEquals(1, ring, "one exec of pid " + pid + " through the ring buffer:\n" + r.out());
        assertEquals(1, perf, "one exec of pid " + pid + " through the perf buffer:\n" + r.out());
        JsonObject last = lines.get(lines.size() - 1);
        assertTrue(last.has("summary"), r.out());
        assertEquals(2, last.getAsJsonObject("summary").getAsJsonArray("maps").size(), last.toString());
    }

    @Test
    void textLinesNameTheMapAndTheCpuAndRawEventsAreHex() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("session", "apply", OBJECT, "--events", "execs:exec_event",
                "--events", "exec_perf_events", "--run", runCommand("evtext"));
        assertEquals(0, r.exit(), r.toString());
        int pid = pidOf(r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6} execs  \\{pid=" + pid
                + ", .*filename=\"/bin/true\".*")), r.out());
        // no type: the perf records print as hex, the first four bytes the pid (little-endian)
        String pidHex = String.format("%02x%02x%02x%02x", pid & 0xff, (pid >> 8) & 0xff, (pid >> 16) & 0xff,
                (pid >>> 24) & 0xff);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6} exec_perf_events cpu \\d+  "
                + ".*" + pidHex + ".*")), pidHex + "\n" + r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("events: execs ") && l.contains("exec_perf_events")),
                r.out());
    }

    @Test
    void aTypeTheObjectDoesNotHaveIsRefusedBeforeAnyEvent() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("session", "apply", OBJECT, "--events", "execs:struct no_such_event",
                "--run", "true");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("no_such_event"), r.toString());
        assertTrue(!r.err().contains("\tat "), "no stack trace:\n" + r);
    }

    private static int pidOf(String err) {
        return err.lines().filter(l -> l.startsWith("pid=")).map(l -> Integer.parseInt(l.substring(4).trim()))
                .findFirst().orElseThrow(() -> new AssertionError("no pid line in\n" + err));
    }
}
