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
import com.google.protobuf.util.JsonFormat;
import dev.gewyvern.proto.v1.LinkDetail;
import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.proto.v1.ProgramDetail;
import dev.gewyvern.proto.v1.SessionDetail;
import org.junit.jupiter.api.Test;

/**
 * `gew session show` names every program, map and link of a session as the kernel does: each field of its
 * SessionDetail (`-o json`, read back with protobuf's JsonFormat) is held against bpftool's view of the same ids
 * (`bpftool prog|map|link show id N -j`), and the text table names the same ids within 120 columns.
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
            SessionDetail.Builder parsed = SessionDetail.newBuilder();
            JsonFormat.parser().merge(json.out(), parsed);
            SessionDetail doc = parsed.build();
            assertEquals(id, doc.getRecord().getSessionId());
            assertTrue(doc.getOwnerRunning(), json.out());
            assertTrue(doc.getPinPath().endsWith("/sessions/" + id), doc.getPinPath());
            Gew.Result text = Gew.run("session", "show", id);
            assertEquals(0, text.exit(), text.toString());
            assertTrue(text.out().lines().allMatch(l -> l.length() <= Table.WIDTH && !l.endsWith(" ")), text.out());
            assertTrue(text.out().contains("pinned   " + doc.getPinPath()), text.toString());

            assertEquals(2, doc.getProgramsCount(), json.out());
            for (ProgramDetail ours : doc.getProgramsList()) {
                JsonObject theirs = bpftool("prog", ours.getId());
                String name = ours.getName();
                assertEquals(theirs.get("type").getAsString(), ours.getType(), name);
                assertEquals(theirs.get("tag").getAsString(), ours.getTag(), name);
                assertEquals(theirs.get("bytes_xlated").getAsInt(), ours.getXlatedBytes(), name);
                assertEquals(theirs.get("bytes_jited").getAsInt(), ours.getJitedBytes(), name);
                // bpftool 7.1 does not print verified_insns (newer ones do): then hold it against the apply's own line
                int verified = ours.getVerifiedInsns();
                if (theirs.has("verified_insns")) {
                    assertEquals(theirs.get("verified_insns").getAsInt(), verified, name);
                }
                assertTrue(holder.out.toString().contains("verify   program " + name + ": verified (" + verified
                        + " instructions processed, id " + ours.getId() + ")"), holder.out.toString());
                assertEquals(ints(theirs.getAsJsonArray("map_ids")), ours.getMapIdsList(), name);
                assertEquals(theirs.get("btf_id").getAsInt(), ours.getBtfId(), name);
                // bpftool gives whole seconds; ours are milliseconds from /proc/uptime (10 ms steps)
                long loadedAt = ours.getLoadedAtUnixMs();
                assertTrue(Math.abs(loadedAt / 1000.0 - theirs.get("loaded_at").getAsLong()) <= 1.5,
                        name + " loaded at " + loadedAt + " ms, bpftool says " + theirs.get("loaded_at") + " s");
                assertEquals(verified, ours.getVerification().getProcessedInsns(), name);
                assertTrue(ours.getVerification().getLoadCallNs() > 0, name + ": " + ours);
                // the text: the program's row, then a line of its sizes and load under it
                assertTrue(text.out().lines().anyMatch(l -> l.startsWith(name + " ") && l.contains(" " + ours.getId()
                        + "  " + ours.getTag() + " ")), text.toString());
                assertTrue(text.out().contains("xlated " + ours.getXlatedBytes() + " B, jited " + ours.getJitedBytes()
                        + " B, btf id " + ours.getBtfId() + ", map ids "), text.toString());
            }

            assertEquals(1, doc.getMapsCount(), json.out());
            MapContents map = doc.getMaps(0);
            JsonObject bpfMap = bpftool("map", map.getId());
            assertEquals(bpfMap.get("type").getAsString(), map.getType());
            assertEquals(bpfMap.get("bytes_key").getAsInt(), map.getKeySize());
            assertEquals(bpfMap.get("bytes_value").getAsInt(), map.getValueSize());
            assertEquals(bpfMap.get("max_entries").getAsInt(), map.getMaxEntries());
            assertEquals(bpfMap.get("flags").getAsInt(), map.getFlags());
            assertEquals(bpfMap.get("btf_id").getAsInt(), map.getBtfId());
            assertEquals(16, map.getTotalEntries(), json.out());
            assertTrue(text.out().lines().anyMatch(l -> l.matches("counts\\s+array\\s+__u32\\s+__u64\\s+" + map.getId()
                    + "\\s+16/16\\s+key 4 B, value 8 B; btf id " + map.getBtfId())), text.toString());

            assertEquals(2, doc.getLinksCount(), json.out());
            for (LinkDetail ours : doc.getLinksList()) {
                JsonObject theirs = bpftool("link", ours.getId());
                assertEquals(theirs.get("type").getAsString(), ours.getType(), ours.toString());
                assertEquals(theirs.get("prog_id").getAsInt(), ours.getProgId(), ours.toString());
            }

            Gew.Result detach = Gew.run("session", "detach", id);
            assertEquals(0, detach.exit(), detach.toString());
            assertEquals(0, holder.waitFor());
        }
    }
}
