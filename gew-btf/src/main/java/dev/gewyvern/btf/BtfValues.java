package dev.gewyvern.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Renders BTF type names in C syntax, and values of BTF types the way bpftool's map dump does: as text
 * ({@link #format}) or as JSON ({@link #json}), by one walk of the type, so both say the same thing.
 * Integers print in decimal (JSON numbers, exact to 64 bits), enums by name, {@code char[N]} as strings,
 * arrays as lists, structs and unions by member name (the members of an anonymous struct or union as if
 * they were the outer one's, in JSON), bitfields by their bits, pointers and integers wider than 64 bits as
 * hex. {@link BtfJson} reads the JSON form back into bytes.
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
        long size;
        try {
            size = btf.sizeOf(id);
        } catch (BtfException sizeless) {
            size = 0; // a FWD, FUNC or void prints as <kind>: nothing to read
        }
        if (size > bytes.length) {
            throw new BtfException("a value of BTF type " + id + " (" + typeName(btf, id) + ") is " + size
                    + " bytes; only " + bytes.length + " were given");
        }
        StringBuilder sb = new StringBuilder();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(order);
        try {
            format(btf, id, b, 0, 0, 0, sb, 0, json);
        } catch (IndexOutOfBoundsException e) {
            // a member or element placed past the type's own size: BTF no compiler emits
            throw new BtfException("BTF type " + id + " (" + typeName(btf, id) + ") places a field outside its "
                    + size + "-byte value");
        }
        return sb.toString();
    }

    private static void format(Btf btf, int id, ByteBuffer b, int off, int bitOff, int bitSize, StringBuilder sb,
                               int depth, boolean json) {
        if (depth > MAX_DEPTH || sb.length() > MAX_CHARS) {
            sb.append(json ? "null" : "...");
            return;
        }
        id = btf.resolve(id);
        BtfType t = btf.type(id);
        if (t instanceof BtfType.Int i) {
            int bits = bitSize != 0 ? bitSize : i.bits();
            if (i.size() > 8) {
                wide(json, b, off, i.size(), sb);
                return;
            }
            long v = bitSize != 0 || i.bitOffset() != 0 || i.bits() != i.size() * 8
                    ? bits(b, off, bitOff + i.bitOffset(), bits, i.size())
                    : raw(b, off, i.size());
            if (i.signed() && bits < 64) {
                v = (v << (64 - bits)) >> (64 - bits);
            }
            if ((i.encoding() & BtfType.Int.BOOL) != 0) {
                sb.append(v != 0);
            } else if (i.signed()) {
                sb.append(v);
            } else {
                sb.append(Long.toUnsignedString(v));
            }
        } else if (t instanceof BtfType.Enum e) {
            long v = bitSize != 0 ? bits(b, off, bitOff, bitSize, e.size()) : raw(b, off, e.size());
            int width = bitSize != 0 ? bitSize : 8 * e.size();
            if (e.signed() && width < 64) {
                v = (v << (64 - width)) >> (64 - width);
            }
            for (BtfType.EnumValue ev : e.values()) {
                long want = e.size() < 8 && !e.signed() ? ev.value() & ((1L << (8 * e.size())) - 1) : ev.value();
                if (want == v) {
                    if (json) {
                        sb.append('"').append(escapeJson(ev.name())).append('"');
                    } else {
                        sb.append(ev.name());
                    }
                    return;
                }
            }
            sb.append(e.signed() ? Long.toString(v) : Long.toUnsignedString(v));
        } else if (t instanceof BtfType.Ptr) {
            quoteIf(json, sb, () -> sb.append("0x").append(Long.toHexString(raw(b, off, 8))));
        } else if (t instanceof BtfType.Array a) {
            int elem = btf.resolve(a.elemType());
            long esize = btf.sizeOf(elem);
            long n = Integer.toUnsignedLong(a.nelems());
            if (btf.type(elem) instanceof BtfType.Int ei && ei.size() == 1 && (ei.encoding() & BtfType.Int.CHAR) != 0
                    || btf.type(elem) instanceof BtfType.Int ci && ci.size() == 1 && "char".equals(ci.name())) {
                int len = 0;
                while (len < n && b.get(off + len) != 0) {
                    len++;
                }
                byte[] s = new byte[len];
                b.get(off, s);
                if (!json) {
                    sb.append('"').append(escape(new String(s, StandardCharsets.UTF_8))).append('"');
                } else if (utf8(s)) {
                    sb.append('"').append(escapeJson(new String(s, StandardCharsets.UTF_8))).append('"');
                } else {
                    // not text: JSON keeps its exact bytes, in the form BtfJson reads back
                    wide(true, b, off, (int) n, sb);
                }
                return;
            }
            if (n * esize > b.capacity() - off) {
                throw new BtfException("BTF type " + id + ": " + n + " elements of " + esize
                        + " bytes do not fit the value's " + (b.capacity() - off) + " bytes");
            }
            sb.append('[');
            for (long k = 0; k < n; k++) {
                if (sb.length() > MAX_CHARS) {
                    sb.append(json ? "" : ", ...");
                    break;
                }
                if (k > 0) {
                    sb.append(json ? "," : ", ");
                }
                format(btf, elem, b, (int) (off + k * esize), 0, 0, sb, depth + 1, json);
            }
            sb.append(']');
        } else if (t instanceof BtfType.Struct s) {
            sb.append('{');
            if (json) {
                members(btf, s, b, off, sb, depth, true);
            } else {
                boolean first = true;
                for (BtfType.Member m : s.members()) {
                    if (!first) {
                        sb.append(", ");
                    }
                    first = false;
                    if (!m.name().isEmpty()) {
                        sb.append(m.name()).append('=');
                    }
                    format(btf, m.type(), b, off + m.bitOffset() / 8, m.bitOffset() % 8, m.bitfieldSize(), sb, depth + 1,
                            false);
                }
            }
            sb.append('}');
        } else if (t instanceof BtfType.Float f) {
            double d = f.size() == 4 ? b.getFloat(off) : f.size() == 8 ? b.getDouble(off) : Double.NaN;
            if (f.size() != 4 && f.size() != 8) {
                wide(json, b, off, f.size(), sb);
            } else if (json && (Double.isNaN(d) || Double.isInfinite(d))) {
                sb.append('"').append(d).append('"');
            } else if (f.size() == 4) {
                sb.append(b.getFloat(off));
            } else {
                sb.append(d);
            }
        } else if (t instanceof BtfType.Datasec d) {
            // a global data section's value: its variables by name, like a struct's fields
            sb.append('{');
            boolean first = true;
            for (BtfType.SecInfo si : d.vars()) {
                if (!(btf.type(si.type()) instanceof BtfType.Var v) || si.offset() < 0
                        || (long) off + si.offset() + si.size() > b.limit()) {
                    continue;
                }
                if (json) {
                    sb.append(first ? "" : ",").append('"').append(escapeJson(v.name())).append("\":");
                } else {
                    sb.append(first ? "" : ", ").append(v.name()).append('=');
                }
                format(btf, v.type(), b, off + si.offset(), 0, 0, sb, depth + 1, json);
                first = false;
            }
            sb.append('}');
        } else if (json) {
            sb.append("null");
        } else {
            sb.append("<").append(t.kind().name().toLowerCase()).append(">");
        }
    }

    /**
     * A struct's or union's members as JSON object fields (without the braces); an anonymous struct or union
     * member contributes its own members. Returns whether anything has been written into the object so far.
     */
    private static boolean members(Btf btf, BtfType.Struct s, ByteBuffer b, int off, StringBuilder sb, int depth,
                                   boolean first) {
        for (BtfType.Member m : s.members()) {
            int at = off + m.bitOffset() / 8;
            if (m.name().isEmpty() && m.bitfieldSize() == 0
                    && btf.type(btf.resolve(m.type())) instanceof BtfType.Struct inner) {
                if (depth + 1 > MAX_DEPTH) {
                    continue;
                }
                first = !members(btf, inner, b, at, sb, depth + 1, first) && first;
                continue;
            }
            if (m.name().isEmpty()) {
                continue; // an unnamed bitfield: padding
            }
            sb.append(first ? "" : ",").append('"').append(escapeJson(m.name())).append("\":");
            format(btf, m.type(), b, at, m.bitOffset() % 8, m.bitfieldSize(), sb, depth + 1, true);
            first = false;
        }
        return !first;
    }

    /** Bytes with no JSON number or string form: hex, as "hex:…" in JSON (what BtfJson reads back). */
    private static void wide(boolean json, ByteBuffer b, int off, int size, StringBuilder sb) {
        if (!json) {
            hex(b, off, size, sb);
            return;
        }
        sb.append("\"hex:");
        for (int k = 0; k < size; k++) {
            sb.append(Character.forDigit((b.get(off + k) >> 4) & 0xf, 16)).append(Character.forDigit(b.get(off + k) & 0xf, 16));
        }
        sb.append('"');
    }

    private static boolean utf8(byte[] s) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(s));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private static void quoteIf(boolean json, StringBuilder sb, Runnable body) {
        if (json) {
            sb.append('"');
        }
        body.run();
        if (json) {
            sb.append('"');
        }
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

    private static void hex(ByteBuffer b, int off, long size, StringBuilder sb) {
        sb.append("0x");
        for (int k = 0; k < size; k++) {
            sb.append(String.format("%02x", b.get(off + k)));
        }
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
