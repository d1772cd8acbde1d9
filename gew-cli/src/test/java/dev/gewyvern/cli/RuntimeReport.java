package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * {@code gew runtime info --verbose --output json} of the kernel the tests run on, run once per test JVM
 * (under qemu TCG it takes half a minute): every capability by {@code "category name"} (program_type xdp,
 * attach_kind fentry), helpers by {@code "helper PROGRAM_TYPE/NAME"}.
 */
final class RuntimeReport {
    private static Map<String, JsonObject> capabilities;

    private RuntimeReport() {
    }

    static synchronized Map<String, JsonObject> capabilities() throws Exception {
        if (capabilities == null) {
            Gew.Result r = Gew.run("runtime", "info", "--verbose", "--output", "json");
            assertEquals(0, r.exit(), r.toString());
            Map<String, JsonObject> out = new LinkedHashMap<>();
            JsonObject report = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonObject("capabilities");
            for (JsonElement e : report.getAsJsonArray("capabilities")) {
                JsonObject c = e.getAsJsonObject();
                String scope = c.get("program_type").getAsString().isEmpty() ? ""
                        : c.get("program_type").getAsString() + "/";
                out.put(c.get("category").getAsString().toLowerCase(java.util.Locale.ROOT) + " " + scope
                        + c.get("name").getAsString(), plain(c));
            }
            capabilities = out;
        }
        return capabilities;
    }

    /**
     * An entry as the checks compare it: state "supported", "not supported" or "inconclusive", reason (the
     * why of a not-supported one, as the CLI words it: "absent", "config missing", "refused by policy") and
     * detail (the probe's evidence), from the report's enums.
     */
    private static JsonObject plain(JsonObject c) {
        JsonObject o = c.deepCopy();
        o.addProperty("state", c.get("state").getAsString().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        String why = c.has("why") ? c.get("why").getAsString() : "";
        boolean named = why.startsWith("NOT_SUPPORTED_REASON_") && !why.endsWith("UNSPECIFIED");
        o.addProperty("reason", named ? why.substring("NOT_SUPPORTED_REASON_".length())
                .toLowerCase(java.util.Locale.ROOT).replace('_', ' ') : "");
        return o;
    }
}
