package dev.gewyvern.cli;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

/**
 * The JSON form of every report ({@code --output json}): the report's proto message as protobuf's JsonFormat
 * prints it, with the proto field names (snake_case), every field without presence printed even when it holds
 * its default, enums by name; then, by the message's descriptor, 64-bit integers as JSON numbers (proto3's
 * JSON mapping writes them as strings), and the numbers inside google.protobuf.Value fields (values typed by
 * BTF) without a ".0" when they are whole. Only the JSON path loads this class (and JsonFormat).
 */
final class ReportJson {
    /** A double holds every integer exactly up to 2^53: whole numbers up to there print as integers. */
    private static final double EXACT = 9007199254740992.0;

    private ReportJson() {
    }

    /** The report as a JSON document, ending with a newline. */
    static String of(MessageOrBuilder report) {
        String printed;
        try {
            printed = JsonFormat.printer().preservingProtoFieldNames().alwaysPrintFieldsWithNoPresence()
                    .print(report);
        } catch (InvalidProtocolBufferException e) {
            // only an Any of an unknown type can fail to print, and no report holds one
            throw new IllegalStateException("report " + report.getDescriptorForType().getFullName()
                    + " has no JSON form", e);
        }
        JsonElement tree = typed(JsonParser.parseString(printed), report.getDescriptorForType());
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(tree)
                + "\n";
    }

    private static JsonElement typed(JsonElement e, Descriptor d) {
        if (isValue(d)) {
            return wholeNumbers(e);
        }
        if (!e.isJsonObject()) {
            return e;
        }
        JsonObject o = e.getAsJsonObject();
        for (Map.Entry<String, JsonElement> entry : o.entrySet()) {
            FieldDescriptor f = d.findFieldByName(entry.getKey());
            if (f == null) {
                continue;
            }
            if (f.isMapField()) {
                FieldDescriptor value = f.getMessageType().findFieldByName("value");
                if (entry.getValue().isJsonObject()) {
                    for (Map.Entry<String, JsonElement> m : entry.getValue().getAsJsonObject().entrySet()) {
                        m.setValue(field(m.getValue(), value));
                    }
                }
            } else if (f.isRepeated() && entry.getValue().isJsonArray()) {
                JsonArray a = entry.getValue().getAsJsonArray();
                for (int i = 0; i < a.size(); i++) {
                    a.set(i, field(a.get(i), f));
                }
            } else {
                entry.setValue(field(entry.getValue(), f));
            }
        }
        return o;
    }

    /** One value of field {@code f}: a 64-bit integer as a number, a message typed by its own fields. */
    private static JsonElement field(JsonElement e, FieldDescriptor f) {
        switch (f.getJavaType()) {
            case LONG:
                if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
                    return new JsonPrimitive(new BigInteger(e.getAsString()));
                }
                return e;
            case MESSAGE:
                return typed(e, f.getMessageType());
            default:
                return e;
        }
    }

    private static boolean isValue(Descriptor d) {
        String n = d.getFullName();
        return n.equals("google.protobuf.Value") || n.equals("google.protobuf.Struct")
                || n.equals("google.protobuf.ListValue");
    }

    /** Inside a Value: 5.0 is 5 (whole numbers a double holds exactly); other numbers stay as they are. */
    private static JsonElement wholeNumbers(JsonElement e) {
        if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            for (int i = 0; i < a.size(); i++) {
                a.set(i, wholeNumbers(a.get(i)));
            }
        } else if (e.isJsonObject()) {
            for (Map.Entry<String, JsonElement> m : e.getAsJsonObject().entrySet()) {
                m.setValue(wholeNumbers(m.getValue()));
            }
        } else if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            BigDecimal d = e.getAsBigDecimal();
            double v = d.doubleValue();
            if (v == Math.rint(v) && Math.abs(v) <= EXACT) {
                return new JsonPrimitive(d.toBigInteger());
            }
        }
        return e;
    }
}
