package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** {@code gew runtime info --verbose}: the kernel-compat report, as people and machines read it. */
class RuntimeInfoVerboseIT {

    @Test
    void verboseTextListsEveryCategoryWithReasons() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("runtime", "info", "--verbose");
        assertEquals(0, r.exit(), r.toString());
        for (String section : List.of("kernel config", "sysctl", "btf", "program types (", "map types (",
                "attach kinds (", "features (", "helpers per program type")) {
            assertTrue(r.out().contains("\n" + section), "no section '" + section + "':\n" + r.out());
        }
        assertTrue(r.out().contains("net.core.bpf_jit_enable"), r.out());
        assertTrue(r.out().matches("(?s).*\n  raw_tp +supported.*"), r.out());
        if (!Files.isDirectory(Path.of("/sys/bus/event_source/devices/kprobe"))) {
            assertTrue(r.out().matches("(?s).*\n  kprobe +not supported: config missing \\(CONFIG_KPROBES off / no kprobe PMU.*"),
                    r.out());
        }
        assertTrue(r.err().isEmpty(), r.err());
    }

    @Test
    void jsonCarriesEveryCapabilityWithStateAndReason() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("runtime", "info", "--verbose", "--output", "json");
        assertEquals(0, r.exit(), r.toString());
        JsonObject doc = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(System.getProperty("os.version"), doc.getAsJsonObject("info").get("kernel").getAsString().split(" ")[0]);
        Map<String, JsonObject> byName = new HashMap<>();
        int helpers = 0;
        for (JsonElement e : doc.getAsJsonArray("capabilities")) {
            JsonObject c = e.getAsJsonObject();
            String state = c.get("state").getAsString();
            assertTrue(List.of("supported", "not supported", "inconclusive").contains(state), c.toString());
            assertEquals(state.equals("not supported"), !c.get("reason").isJsonNull(), c.toString());
            if (c.get("category").getAsString().equals("helper")) {
                helpers++;
            } else {
                byName.put(c.get("category").getAsString() + "/" + c.get("name").getAsString(), c);
            }
        }
        assertTrue(helpers > 1000, "helpers listed: " + helpers);
        assertEquals("supported", byName.get("program_type/xdp").get("state").getAsString());
        assertEquals("supported", byName.get("map_type/hash").get("state").getAsString());
        assertTrue(byName.containsKey("attach_kind/fentry") && byName.containsKey("feature/bpf_link"), byName.keySet().toString());
        assertEquals(CompatReport.SYSCTLS.length, doc.getAsJsonObject("sysctl").size());
    }

    @Test
    void plainJsonMakesNoProbeAndAnUnknownFormatIsRefused() throws Exception {
        Gew.Result r = Gew.run("runtime", "info", "--output", "json");
        assertEquals(0, r.exit(), r.toString());
        JsonObject doc = JsonParser.parseString(r.out()).getAsJsonObject();
        assertFalse(doc.has("capabilities"), r.out());
        Gew.Result bad = Gew.run("runtime", "info", "--output", "yaml");
        assertEquals(2, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("expected one of [text, json]"), bad.toString());
        assertFalse(bad.err().contains("Exception"), bad.err());
    }
}
