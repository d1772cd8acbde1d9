package dev.gewyvern.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Renders BTF type names in C syntax, and values of BTF types the way bpftool's map dump does: as text
 * ({@link #format}) or as JSON ({@link #json}), by one walk of the type, so both say the same thing.
 * Integers print in decimal (JSON numbers, exact to 64 bits), bools as true/false (a byte that is neither 0
 * nor 1 as its number, so that it reads back the same), enums by name, {@code char[N]} as strings,
 * arrays as lists, structs and unions by member name (the members of an anonymous struct or union as if
 * they were the outer one's, in JSON), bitfields by their bits, pointers and integers wider than 64 bits as
 * hex. {@link BtfJson} reads the JSON form back into bytes. The walk of a type is {@link ValueRenderer}'s, made
 * once per type where many values of it are rendered.
 */
public final class BtfValues {
    private static final int MAX_DEPTH = 32;
    /** Longest rendering: a value nesting zero-size arrays could otherwise print without end. */
    static final int MAX_CHARS = 1 << 20;

    private BtfValues() {
    }

    /** The C spelling of a type: {@code char[16]}, {@code __u64}, {@code struct task_struct *}. */
    public static String typeName(Btf btf, int id) {
        return typeName(btf, id, 0);
    }

    private static String typeName(Btf btf, int id, int depth) {
        if (depth > MAX_DEPTH) {
            return "...";
        }
        BtfType t = btf.type(id);
        if (t instanceof BtfType.Void) {
            return "void";
        } else if (t instanceof BtfType.Ptr p) {
            return typeName(btf, p.type(), depth + 1) + " *";
        } else if (t instanceof BtfType.Array a) {
            return typeName(btf, a.elemType(), depth + 1) + "[" + Integer.toUnsignedString(a.nelems()) + "]";
        } else if (t instanceof BtfType.Qualifier q) {
            return q.kind().name().toLowerCase() + " " + typeName(btf, q.type(), depth + 1);
        } else if (t instanceof BtfType.Struct s) {
            return (s.union() ? "union " : "struct ") + (s.name().isEmpty() ? "(anon)" : s.name());
        } else if (t instanceof BtfType.Enum e) {
            return "enum " + (e.name().isEmpty() ? "(anon)" : e.name());
        } else if (t instanceof BtfType.Fwd f) {
            return (f.union() ? "union " : "struct ") + f.name();
        } else if (t instanceof BtfType.TypeTag tt) {
            return typeName(btf, tt.type(), depth + 1);
        } else if (t instanceof BtfType.FuncProto) {
            return "func_proto";
        }
        return t.name();
    }

    /**
     * Renders the value of type {@code id} found at the start of {@code bytes}: integers in decimal,
     * char arrays as quoted strings, structs as {@code {field=value, ...}}, enums by name.
     */
    public static String format(Btf btf, int id, byte[] bytes, ByteOrder order) {
        return render(btf, id, bytes, order, false);
    }

    /**
     * The value as JSON text: {@code {"pid":123,"comm":"sh"}}. Integers, floats and enum values that have no
     * name are JSON numbers, exact to 64 bits; enum names and {@code char[N]} are strings; what JSON has no
     * number for (a pointer, an integer wider than 64 bits, a NaN) is a string of hex digits or its name.
     */
    public static String json(Btf btf, int id, byte[] bytes, ByteOrder order) {
        return render(btf, id, bytes, order, true);
    }

    private static String render(Btf btf, int id, byte[] bytes, ByteOrder order, boolean json) {
        return ValueRenderer.of(btf, id).render(bytes, order, json);
    }

    /** {@code s} as the inside of a JSON string: quotes, backslashes and control characters escaped. */
    public static String escapeJson(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    static long raw(ByteBuffer b, int off, int size) {
        return switch (size) {
            case 1 -> Byte.toUnsignedLong(b.get(off));
            case 2 -> Short.toUnsignedLong(b.getShort(off));
            case 4 -> Integer.toUnsignedLong(b.getInt(off));
            case 8 -> b.getLong(off);
            default -> {
                long v = 0;
                for (int k = 0; k < size; k++) {
                    int at = b.order() == ByteOrder.LITTLE_ENDIAN ? off + size - 1 - k : off + k;
                    v = (v << 8) | Byte.toUnsignedLong(b.get(at));
                }
                yield v;
            }
        };
    }

    /** Reads a bitfield as the compiler lays it out for this byte order. */
    static long bits(ByteBuffer b, int off, int bitOff, int nbits, int unitSize) {
        int span = (bitOff + nbits + 7) / 8;
        long v = raw(b, off, Math.min(span, 8));
        long mask = nbits >= 64 ? -1L : (1L << nbits) - 1;
        if (b.order() == ByteOrder.LITTLE_ENDIAN) {
            return (v >>> bitOff) & mask;
        }
        return (v >>> (span * 8 - bitOff - nbits)) & mask;
    }
}
