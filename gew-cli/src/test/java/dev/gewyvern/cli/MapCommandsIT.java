package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/**
 * `gew map` on a held session of testdata's events object: keys and values written and read back as JSON
 * typed by BTF (a number, a char[16] string, a struct), batch dumps as JSON, per-CPU values one per CPU, a
 * frozen .rodata refused with its reason, a ring buffer described rather than looked up, and a map the
 * session does not have named with the ones it has (exit 4).
 */
class MapCommandsIT {
    private static final Pattern LIVE = Pattern.compile("session (\\S+) is live");

    private static Gew.Result ok(String... args) throws Exception {
        Gew.Result r = Gew.run(args);
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    @Test
    void writesAndReadsEveryKindOfMapTypedByBtf() throws Exception {
        Gew.requireBpf();
        try (Gew.Running holder = new Gew.Running("session", "apply", "--name", "mapsit", "--object",
                "testdata/obj/events.bpf.o", "--load-only")) {
            Matcher live = LIVE.matcher(holder.awaitLine("is live"));
            assertTrue(live.find());
            String id = live.group(1);
            try {
                String list = ok("map", "list", id).out();
                assertTrue(list.lines().anyMatch(l -> l.matches("by_name\\s+hash\\s+char\\[16\\]\\s+struct version\\s+0/128.*")),
                        list);
                assertTrue(list.lines().anyMatch(l -> l.matches("events_rodata\\s+array.*frozen.*")), list);

                ok("map", "update", id, "totals", "--key", "7", "--value", "41");
                assertEquals("41", ok("map", "lookup", id, "totals", "--key", "7").out().trim());
                ok("map", "update", id, "by_name", "--key", "\"bash\"", "--value", "{\"major\":1,\"minor\":2}");
                assertEquals("{major=1, minor=2}", ok("map", "lookup", id, "by_name", "--key", "\"bash\"").out().trim());
                Gew.Result exists = Gew.run("map", "update", id, "by_name", "--key", "\"bash\"", "--value",
                        "{\"major\":3}", "--mode", "noexist");
                assertEquals(1, exists.exit(), exists.toString());
                assertTrue(exists.err().contains("by_name"), exists.toString());

                JsonObject dump = JsonParser.parseString(ok("map", "dump", id, "by_name", "-o", "json").out())
                        .getAsJsonObject();
                assertEquals("struct version", dump.get("value_type").getAsString());
                assertEquals(1, dump.get("total_entries").getAsInt());
                JsonArray entries = dump.getAsJsonArray("entries");
                assertEquals(1, entries.size(), dump.toString());
                assertEquals("bash", entries.get(0).getAsJsonObject().get("key").getAsString());
                assertEquals(2, entries.get(0).getAsJsonObject().getAsJsonObject("value").get("minor").getAsInt());

                JsonObject perCpu = JsonParser.parseString(ok("map", "dump", id, "rb_dropped", "-o", "json").out())
                        .getAsJsonObject();
                assertTrue(perCpu.get("per_cpu").getAsBoolean(), perCpu.toString());
                JsonArray cpus = perCpu.getAsJsonArray("entries").get(0).getAsJsonObject().getAsJsonArray("value");
                assertTrue(cpus.size() >= Runtime.getRuntime().availableProcessors(), "one value per possible CPU: " + perCpu);
                ok("map", "update", id, "rb_dropped", "--key", "0", "--value", "5");
                JsonObject after = JsonParser.parseString(ok("map", "dump", id, "rb_dropped", "-o", "json").out())
                        .getAsJsonObject();
                after.getAsJsonArray("entries").get(0).getAsJsonObject().getAsJsonArray("value")
                        .forEach(v -> assertEquals(5, v.getAsInt(), after.toString()));

                ok("map", "delete", id, "totals", "--key", "7");
                Gew.Result gone = Gew.run("map", "lookup", id, "totals", "--key", "7");
                assertEquals(4, gone.exit(), gone.toString());
                assertTrue(gone.err().contains("no entry under 7"), gone.toString());

                Gew.Result frozen = Gew.run("map", "update", id, "events_rodata", "--key", "0", "--value", "hex:00000000");
                assertEquals(3, frozen.exit(), frozen.toString());
                assertTrue(frozen.err().contains("frozen"), frozen.toString());

                String ring = ok("map", "show", id, "rb").out();
                assertTrue(ring.contains("262144 B") && ring.contains("consumer at 0"), ring);

                Gew.Result none = Gew.run("map", "dump", id, "nosuch");
                assertEquals(4, none.exit(), none.toString());
                assertTrue(none.err().contains("its maps: by_name, commands, events_rodata"), none.toString());
                assertTrue(!none.err().contains("\tat "), none.toString());
            } finally {
                Gew.run("session", "detach", id);
            }
        }
    }
}
