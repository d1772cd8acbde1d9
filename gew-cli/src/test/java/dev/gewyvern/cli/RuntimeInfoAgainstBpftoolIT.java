package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gewyvern.syscall.kernel.KernelTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * {@code gew runtime info --verbose --output json} held against {@code bpftool feature probe kernel -j} on
 * the kernel the test runs on (the host, and the Debian 6.1 guest of kernels/ci): both as a user runs them,
 * each a whole process. Every program type and map type bpftool knows must have the same state in gew's
 * report, and every helper of every program type both probe must agree, with one known difference:
 * bpftool 7.1 (libbpf 1.1) takes the verifier's "program of this type cannot use helper" (kernels since
 * 6.x) for support, where gew reports it as the verifier refusing the helper for that type.
 */
class RuntimeInfoAgainstBpftoolIT {
    private static Map<String, JsonObject> gew;
    private static JsonObject bpftool;

    @BeforeAll
    static void bothReports() throws Exception {
        Gew.requireBpf();
        gew = RuntimeReport.capabilities();
        Process p = new ProcessBuilder("bpftool", "feature", "probe", "kernel", "-j").redirectError(
                ProcessBuilder.Redirect.DISCARD).start();
        String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "bpftool feature probe kernel -j failed: " + json);
        bpftool = JsonParser.parseString(json).getAsJsonObject();
    }

    private static String state(String key) {
        JsonObject c = gew.get(key);
        return c == null ? "missing from gew's report" : c.get("state").getAsString();
    }

    /** bpftool's have_X_<suffix> booleans against gew's category X: every one the same. */
    private static void agree(String section, String suffix, String category, TestReporter reporter) {
        List<String> disagree = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : bpftool.getAsJsonObject(section).entrySet()) {
            String name = e.getKey().substring("have_".length(), e.getKey().length() - suffix.length());
            boolean theirs = e.getValue().getAsBoolean();
            String ours = state(category + " " + name);
            if (ours.equals("supported") != theirs) {
                JsonObject c = gew.get(category + " " + name);
                disagree.add(name + ": bpftool " + (theirs ? "available" : "NOT available") + ", gew " + ours
                        + (c == null ? "" : " (" + c.get("detail").getAsString() + ")"));
            }
        }
        assertEquals(List.of(), disagree);
        reporter.publishEntry("runtime info = bpftool: " + section.replace('_', ' '),
                bpftool.getAsJsonObject(section).size() + " agree");
    }

    @Test
    void everyProgramTypeAgrees(TestReporter reporter) {
        agree("program_types", "_prog_type", "program_type", reporter);
    }

    @Test
    void everyMapTypeAgrees(TestReporter reporter) {
        agree("map_types", "_map_type", "map_type", reporter);
    }

    @Test
    void everyHelperOfEveryProgramTypeAgrees(TestReporter reporter) {
        Map<String, Integer> ids = KernelTypes.running().helpers();
        // bpftool probes the helpers its own headers know: none newer than the newest it ever lists
        int known = 0;
        for (Map.Entry<String, JsonElement> t : bpftool.getAsJsonObject("helpers").entrySet()) {
            for (JsonElement h : t.getValue().getAsJsonArray()) {
                known = Math.max(known, ids.getOrDefault(h.getAsString().substring("bpf_".length()), 0));
            }
        }
        assertTrue(known > 100, "bpftool listed no helpers");
        List<String> disagree = new ArrayList<>();
        int compared = 0;
        for (Map.Entry<String, JsonElement> t : bpftool.getAsJsonObject("helpers").entrySet()) {
            String type = t.getKey().substring(0, t.getKey().length() - "_available_helpers".length());
            JsonElement available = bpftool.getAsJsonObject("program_types").get("have_" + type + "_prog_type");
            if (available == null || !available.getAsBoolean()) {
                continue; // bpftool lists no helpers for a type it cannot load, and neither may gew
            }
            Set<String> theirs = new TreeSet<>();
            t.getValue().getAsJsonArray().forEach(h -> theirs.add(h.getAsString().substring("bpf_".length())));
            for (Map.Entry<String, Integer> h : ids.entrySet()) {
                JsonObject ours = gew.get("helper " + type + "/" + h.getKey());
                if (h.getValue() > known || ours == null || ours.get("state").getAsString().equals("inconclusive")) {
                    continue; // newer than bpftool, or a type/helper neither can probe (both say so)
                }
                compared++;
                boolean supported = ours.get("state").getAsString().equals("supported");
                if (supported && !theirs.contains(h.getKey())) {
                    disagree.add(type + "/" + h.getKey() + ": gew supported, bpftool not");
                } else if (!supported && theirs.contains(h.getKey())
                        && !ours.get("detail").getAsString().startsWith("the verifier refuses it for ")) {
                    disagree.add(type + "/" + h.getKey() + ": bpftool supported, gew " + ours.get("state").getAsString()
                            + " (" + ours.get("detail").getAsString() + ")");
                }
            }
        }
        assertTrue(compared > 1000, "compared only " + compared + " helpers");
        assertEquals(List.of(), disagree);
        reporter.publishEntry("runtime info = bpftool: helpers", compared + " agree");
    }
}
