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
    void jsonIsTheRuntimeInfoMessageWithEveryCapabilityTyped() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("runtime", "info", "--verbose", "--output", "json");
        assertEquals(0, r.exit(), r.toString());
        JsonObject doc = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(System.getProperty("os.version"), doc.get("kernel_release").getAsString());
        assertEquals(0, doc.get("effective_uid").getAsInt(), "a number, not text");
        assertTrue(doc.get("btf").getAsJsonPrimitive().isBoolean(), r.out());
        assertTrue(doc.get("vmlinux_btf_bytes").getAsJsonPrimitive().isNumber(), "uint64 as a JSON number");
        Map<String, JsonObject> byName = new HashMap<>();
        int helpers = 0;
        for (JsonElement e : doc.getAsJsonObject("capabilities").getAsJsonArray("capabilities")) {
            JsonObject c = e.getAsJsonObject();
            String state = c.get("state").getAsString();
            assertTrue(List.of("SUPPORTED", "NOT_SUPPORTED", "INCONCLUSIVE").contains(state), c.toString());
            assertEquals(state.equals("NOT_SUPPORTED"), !c.get("why").getAsString().equals("NOT_SUPPORTED_REASON_UNSPECIFIED"),
                    c.toString());
            assertFalse(c.get("text").getAsString().isEmpty(), c.toString());
            if (c.get("category").getAsString().equals("HELPER")) {
                helpers++;
                assertFalse(c.get("program_type").getAsString().isEmpty(), c.toString());
            } else {
                byName.put(c.get("category").getAsString() + "/" + c.get("name").getAsString(), c);
            }
        }
        assertTrue(helpers > 1000, "helpers listed: " + helpers);
        assertEquals("SUPPORTED", byName.get("PROGRAM_TYPE/xdp").get("state").getAsString());
        assertEquals("SUPPORTED", byName.get("MAP_TYPE/hash").get("state").getAsString());
        assertTrue(byName.containsKey("ATTACH_KIND/fentry") && byName.containsKey("FEATURE/bpf_link"), byName.keySet().toString());
        assertEquals(5, doc.getAsJsonObject("sysctls").size(), r.out());
        assertTrue(doc.getAsJsonObject("sysctls").has("net.core.bpf_jit_enable"), r.out());
        assertTrue(doc.getAsJsonObject("kernel_config").has("options"), r.out());
    }

    @Test
    void plainJsonMakesNoProbeAndAnUnknownFormatIsRefused() throws Exception {
        Gew.Result r = Gew.run("runtime", "info", "--output", "json");
        assertEquals(0, r.exit(), r.toString());
        JsonObject doc = JsonParser.parseString(r.out()).getAsJsonObject();
        assertFalse(doc.has("capabilities"), "no probe without --verbose: " + r.out());
        assertEquals(System.getProperty("os.version"), doc.get("kernel_release").getAsString());
        Gew.Result bad = Gew.run("runtime", "info", "--output", "yaml");
        assertEquals(2, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("expected one of [text, json]"), bad.toString());
        assertFalse(bad.err().contains("Exception"), bad.err());
    }
}
