package dev.gewyvern.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.proto.v1.MapEntry;
import dev.gewyvern.session.JsonValues;

/**
 * A map report as JSON, on one line: what the kernel says of the map as the report message's own JSON
 * ({@link ReportJson}: proto field names, 64-bit integers as numbers), and its entries with keys and values
 * typed by BTF, numbers as numbers: {@code {"name":"counts",…,"entries":[{"key":"bash","value":41}]}}.
 */
final class MapJson {
    private MapJson() {
    }

    static String entry(MapEntry e) {
        return "{\"key\":" + JsonValues.text(e.getKey()) + ",\"value\":" + JsonValues.text(e.getValue()) + "}";
    }

    /** The report without its entries and without the closing brace, ending with {@code "entries":[}. */
    static String head(MapContents m) {
        JsonObject o = JsonParser.parseString(ReportJson.of(m.toBuilder().clearEntries().clearNextToken()))
                .getAsJsonObject();
        o.remove("entries");
        o.remove("next_token");
        String s = o.toString();
        return s.substring(0, s.length() - 1) + (o.size() == 0 ? "" : ",") + "\"entries\":[";
    }

    /** The report with its entries (the typed ones, not the message's own key/value fields). */
    static String of(MapContents m) {
        StringBuilder sb = new StringBuilder(head(m));
        for (int i = 0; i < m.getEntriesCount(); i++) {
            sb.append(i == 0 ? "" : ",").append(entry(m.getEntries(i)));
        }
        return sb.append("]}").toString();
    }
}
