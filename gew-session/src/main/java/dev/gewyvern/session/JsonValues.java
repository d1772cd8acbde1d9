package dev.gewyvern.session;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.gewyvern.btf.JsonText;

/**
 * JSON text (as BtfValues writes a typed value) as a google.protobuf.Value, the form reports carry typed
 * values in. A Value's number is a double, exact for integers up to 2^53: an integer beyond that (a u64
 * counter, an address) becomes a string of its decimal digits rather than a rounded number.
 */
public final class JsonValues {
    private static final BigDecimal EXACT = BigDecimal.valueOf(1L << 53);

    private JsonValues() {
    }

    public static Value of(String json) {
        return value(JsonText.parse(json));
    }

    private static Value value(Object o) {
        Value.Builder v = Value.newBuilder();
        if (o == null) {
            return v.setNullValue(NullValue.NULL_VALUE).build();
        }
        if (o instanceof String s) {
            return v.setStringValue(s).build();
        }
        if (o instanceof Boolean b) {
            return v.setBoolValue(b).build();
        }
        if (o instanceof JsonText.Number n) {
            BigDecimal d = new BigDecimal(n.text());
            boolean integral = d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
            if (integral && d.abs().compareTo(EXACT) > 0) {
                return v.setStringValue(d.toBigInteger().toString()).build();
            }
            return v.setNumberValue(d.doubleValue()).build();
        }
        if (o instanceof List<?> l) {
            ListValue.Builder b = ListValue.newBuilder();
            l.forEach(x -> b.addValues(value(x)));
            return v.setListValue(b).build();
        }
        Struct.Builder b = Struct.newBuilder();
        ((Map<?, ?>) o).forEach((k, x) -> b.putFields((String) k, value(x)));
        return v.setStructValue(b).build();
    }

    /** A Value as compact JSON text: numbers that hold an integer print as one (5, not 5.0). */
    public static String text(Value v) {
        StringBuilder sb = new StringBuilder();
        write(v, sb);
        return sb.toString();
    }

    private static void write(Value v, StringBuilder sb) {
        switch (v.getKindCase()) {
            case NULL_VALUE, KIND_NOT_SET -> sb.append("null");
            case BOOL_VALUE -> sb.append(v.getBoolValue());
            case STRING_VALUE -> sb.append('"').append(dev.gewyvern.btf.BtfValues.escapeJson(v.getStringValue()))
                    .append('"');
            case NUMBER_VALUE -> {
                double d = v.getNumberValue();
                if (d == Math.rint(d) && Math.abs(d) <= (1L << 53) && !(d == 0 && 1 / d < 0)) {
                    sb.append((long) d);
                } else if (Double.isNaN(d) || Double.isInfinite(d)) {
                    sb.append('"').append(d).append('"');
                } else {
                    sb.append(d);
                }
            }
            case LIST_VALUE -> {
                sb.append('[');
                for (int i = 0; i < v.getListValue().getValuesCount(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    write(v.getListValue().getValues(i), sb);
                }
                sb.append(']');
            }
            case STRUCT_VALUE -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<String, Value> e : v.getStructValue().getFieldsMap().entrySet()) {
                    sb.append(first ? "" : ",").append('"').append(dev.gewyvern.btf.BtfValues.escapeJson(e.getKey()))
                            .append("\":");
                    write(e.getValue(), sb);
                    first = false;
                }
                sb.append('}');
            }
        }
    }
}
