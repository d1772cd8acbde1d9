package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/**
 * `gew session show` names every program, map and link of a session as the kernel does: each field is held
 * against bpftool's view of the same ids (`bpftool prog|map|link show id N -j`), in json and in text.
 */
class SessionShowIT {
    private static final Pattern LIVE = Pattern.compile("session (\\S+) is live");

    private static JsonObject bpftool(String kind, int id) throws Exception {
        Process p = new ProcessBuilder("bpftool", kind, "show", "id", Integer.toString(id), "-j")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "bpftool " + kind + " show id " + id + ":\n" + out);
        return JsonParser.parseString(out).getAsJsonObject();
    }

    private static List<Integer> ints(com.google.gson.JsonArray a) {
        List<Integer> out = new ArrayList<>();
        for (JsonElement e : a) {
            out.add(e.getAsInt());
        }
        return out;
    }

    @Test
    void everyProgramMapAndLinkMatchesBpftoolsViewOfTheSameIds() throws Exception {
        Gew.requireBpf();
        try (Gew.Running holder = new Gew.Running("session", "apply", "--name", "showit",
                "--object", "testdata/obj/attachkinds.bpf.o",
                "--program", "count_raw_tp", "--attach", "raw_tp:sched_process_exec",
                "--program", "count_perf", "--attach", "perf_event:cpu-clock:0")) {
            Matcher live = LIVE.matcher(holder.awaitLine("is live"));
            assertTrue(live.find());
            String id = live.group(1);
            new ProcessBuilder("/bin/true").start().waitFor();

            Gew.Result json = Gew.run("session", "show", id, "-o", "json");
            assertEquals(0, json.exit(), json.toString());
            JsonObject doc = JsonParser.parseString(json.out()).getAsJsonObject();
            assertEquals(id, doc.get("session").getAsString());
            Gew.Result text = Gew.run("session", "show", id);
            assertEquals(0, text.exit(), text.toString());

            assertEquals(2, doc.getAsJsonArray("programs").size(), json.out());
            for (JsonElement e : doc.getAsJsonArray("programs")) {
                JsonObject ours = e.getAsJsonObject();
                JsonObject theirs = bpftool("prog", ours.get("id").getAsInt());
                String name = ours.get("name").getAsString();
                assertEquals(theirs.get("type").getAsString(), ours.get("type").getAsString(), name);
                assertEquals(theirs.get("tag").getAsString(), ours.get("tag").getAsString(), name);
                assertEquals(theirs.get("bytes_xlated").getAsInt(), ours.get("xlated_bytes").getAsInt(), name);
                assertEquals(theirs.get("bytes_jited").getAsInt(), ours.get("jited_bytes").getAsInt(), name);
                // bpftool 7.1 does not print verified_insns (newer ones do): then hold it against the apply's own line
                int verified = ours.get("verified_insns").getAsInt();
                if (theirs.has("verified_insns")) {
                    assertEquals(theirs.get("verified_insns").getAsInt(), verified, name);
                }
                assertTrue(holder.out.toString().contains("verify   program " + name + ": verified (" + verified
                        + " instructions processed, id " + ours.get("id").getAsInt() + ")"), holder.out.toString());
                assertEquals(ints(theirs.getAsJsonArray("map_ids")), ints(ours.getAsJsonArray("map_ids")), name);
                assertEquals(theirs.get("btf_id").getAsInt(), ours.get("btf_id").getAsInt(), name);
                // bpftool gives whole seconds; ours are milliseconds from /proc/uptime (10 ms steps)
                long loadedAt = ours.get("loaded_at_unix_ms").getAsLong();
                assertTrue(Math.abs(loadedAt / 1000.0 - theirs.get("loaded_at").getAsLong()) <= 1.5,
                        name + " loaded at " + loadedAt + " ms, bpftool says " + theirs.get("loaded_at") + " s");
                JsonObject ver = ours.getAsJsonObject("verification");
                assertEquals(ours.get("verified_insns").getAsInt(), ver.get("processed_insns").getAsInt(), name);
                assertTrue(ver.get("load_call_ns").getAsLong() > 0, name + ": " + ver);
                assertTrue(text.out().contains("xlated " + ours.get("xlated_bytes").getAsInt() + " B  jited "
                        + ours.get("jited_bytes").getAsInt() + " B  loaded "), text.toString());
                assertTrue(text.out().contains("  btf id " + ours.get("btf_id").getAsInt() + "  verifier "),
                        text.toString());
                assertTrue(text.out().contains("verifier " + ver.get("processed_insns").getAsInt()
                        + " insns processed, load call "), text.toString());
            }

            assertEquals(1, doc.getAsJsonArray("maps").size(), json.out());
            JsonObject map = doc.getAsJsonArray("maps").get(0).getAsJsonObject();
            JsonObject bpfMap = bpftool("map", map.get("id").getAsInt());
            assertEquals(bpfMap.get("type").getAsString(), map.get("type").getAsString());
            assertEquals(bpfMap.get("bytes_key").getAsInt(), map.get("key_size").getAsInt());
            assertEquals(bpfMap.get("bytes_value").getAsInt(), map.get("value_size").getAsInt());
            assertEquals(bpfMap.get("max_entries").getAsInt(), map.get("max_entries").getAsInt());
            assertEquals(bpfMap.get("flags").getAsInt(), map.get("flags").getAsInt());
            assertEquals(bpfMap.get("btf_id").getAsInt(), map.get("btf_id").getAsInt());
            assertTrue(text.out().contains("counts  array  key __u32  value __u64  id " + map.get("id").getAsInt()
                    + "  16/16 entries  (key 4 B, value 8 B, btf id " + map.get("btf_id").getAsInt() + ")"), text.toString());

            assertEquals(2, doc.getAsJsonArray("links").size(), json.out());
            for (JsonElement e : doc.getAsJsonArray("links")) {
                JsonObject ours = e.getAsJsonObject();
                JsonObject theirs = bpftool("link", ours.get("id").getAsInt());
                assertEquals(theirs.get("type").getAsString(), ours.get("type").getAsString(), ours.toString());
                assertEquals(theirs.get("prog_id").getAsInt(), ours.get("prog_id").getAsInt(), ours.toString());
            }

            Gew.Result detach = Gew.run("session", "detach", id);
            assertEquals(0, detach.exit(), detach.toString());
            assertEquals(0, holder.waitFor());
        }
    }
}
