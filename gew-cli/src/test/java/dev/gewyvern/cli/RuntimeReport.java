package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * {@code gew runtime info --verbose --output json} of the kernel the tests run on, run once per test JVM
 * (under qemu TCG it takes half a minute): every capability by {@code "CATEGORY NAME"}, helpers by
 * {@code "helper PROGRAM_TYPE/NAME"}.
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
            for (JsonElement e : JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("capabilities")) {
                JsonObject c = e.getAsJsonObject();
                String scope = c.has("program_type") && !c.get("program_type").isJsonNull()
                        ? c.get("program_type").getAsString() + "/" : "";
                out.put(c.get("category").getAsString() + " " + scope + c.get("name").getAsString(), c);
            }
            capabilities = out;
        }
        return capabilities;
    }
}
