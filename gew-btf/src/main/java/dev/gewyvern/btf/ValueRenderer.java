package dev.gewyvern.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A BTF type compiled once into a plan for rendering its values, as text or as JSON ({@link BtfValues}
 * describes both forms). The walk of the type (resolving typedefs, reading names from the string section,
 * choosing a member's printer, escaping member names) happens here, once; rendering a value then only reads
 * its bytes and appends to a StringBuilder. That is what a stream of events of one type needs: the same
 * type for every record. Checks that depend on the value's bytes (a field outside them, the length of
 * the output) are still made per value.
 */
public final class ValueRenderer {
    private static final int MAX_DEPTH = 32;

    private final Btf btf;
    private final int id;
    private final Node root;
    private final long size;

    private ValueRenderer(Btf btf, int id, Node root, long size) {
        this.btf = btf;
        this.id = id;
        this.root = root;
        this.size = size;
    }

    /** The plan for values of type {@code id}; fails as rendering a value of it would (unknown kinds, no size). */
    public static ValueRenderer of(Btf btf, int id) {
        long size;
        try {
            size = btf.sizeOf(id);
        } catch (BtfException sizeless) {
            size = 0; // a FWD, FUNC or void prints as <kind>: nothing to read
        }
        return new ValueRenderer(btf, id, compile(btf, id, 0, 0, 0), size);
    }

    /** The bytes a value of this type takes. */
    public long size() {
        return size;
    }

    /**
     * Appends the value found at {@code offset} of {@code b} (read in {@code b}'s byte order) to {@code sb}:
     * as JSON text when {@code json}, else as text. The value's bytes end at {@code b}'s limit, which must
     * leave at least {@link #size()} of them.
     */
    public void render(ByteBuffer b, int offset, StringBuilder sb, boolean json) {
        if (size > b.limit() - offset) {
            throw new BtfException("a value of BTF type " + id + " (" + BtfValues.typeName(btf, id) + ") is " + size
                    + " bytes; only " + (b.limit() - offset) + " were given");
        }
        try {
            root.render(b, offset, sb, json, sb.length() + BtfValues.MAX_CHARS);
        } catch (IndexOutOfBoundsException e) {
            // a member or element placed past the type's own size: BTF no compiler emits
            throw new BtfException("BTF type " + id + " (" + BtfValues.typeName(btf, id) + ") places a field outside its "
                    + size + "-byte value");
        }
    }

    /** The value at the start of {@code bytes} as a String. */
    public String render(byte[] bytes, ByteOrder order, boolean json) {
        StringBuilder sb = new StringBuilder();
        render(ByteBuffer.wrap(bytes).order(order), 0, sb, json);
        return sb.toString();
    }

    /** One step of a plan: a value of one type at an offset, with a bitfield's position where it is one. */
    private abstract static class Node {
        /** {@code limit}: the length of {@code sb} past which a value prints as cut short. */
        final void render(ByteBuffer b, int off, StringBuilder sb, boolean json, int limit) {
            if (sb.length() > limit) {
                sb.append(json ? "null" : "...");
                return;
            }
            write(b, off, sb, json, limit);
        }

        abstract void write(ByteBuffer b, int off, StringBuilder sb, boolean json, int limit);
    }

    private static Node compile(Btf btf, int id, int bitOff, int bitSize, int depth) {
        if (depth > MAX_DEPTH) {
            return new Fixed("null", "...");
        }
        id = btf.resolve(id);
        BtfType t = btf.type(id);
        if (t instanceof BtfType.Int i) {
            return new IntNode(i, bitOff, bitSize);
        } else if (t instanceof BtfType.Enum e) {
            return new EnumNode(e, bitOff, bitSize);
        } else if (t instanceof BtfType.Ptr) {
            return new PtrNode();
        } else if (t instanceof BtfType.Array a) {
            int elem = btf.resolve(a.elemType());
            long esize = btf.sizeOf(elem);
            long n = Integer.toUnsignedLong(a.nelems());
            BtfType et = btf.type(elem);
            if (et instanceof BtfType.Int ei && ei.size() == 1 && (ei.encoding() & BtfType.Int.CHAR) != 0
                    || et instanceof BtfType.Int ci && ci.size() == 1 && "char".equals(ci.name())) {
                return new CharsNode((int) n);
            }
            return new ArrayNode(id, compile(btf, elem, 0, 0, depth + 1), esize, n);
        } else if (t instanceof BtfType.Struct s) {
            List<Field> text = new ArrayList<>();
            List<Field> json = new ArrayList<>();
            for (BtfType.Member m : s.members()) {
                int at = m.bitOffset() / 8;
                Node node = compile(btf, m.type(), m.bitOffset() % 8, m.bitfieldSize(), depth + 1);
                text.add(new Field((text.isEmpty() ? "" : ", ") + (m.name().isEmpty() ? "" : m.name() + "="), at, node));
                if (m.name().isEmpty() && m.bitfieldSize() == 0
                        && btf.type(btf.resolve(m.type())) instanceof BtfType.Struct) {
                    // an anonymous struct or union: its members are the outer one's in JSON
                    if (node instanceof StructNode inner) {
                        for (Field f : inner.json) {
                            json.add(new Field(f.prefix(), at + f.offset(), f.node()));
                        }
                    }
                } else if (!m.name().isEmpty()) { // an unnamed bitfield is padding
                    json.add(new Field('"' + BtfValues.escapeJson(m.name()) + "\":", at, node));
                }
            }
            return new StructNode(text.toArray(Field[]::new), json.toArray(Field[]::new));
        } else if (t instanceof BtfType.Float f) {
            return new FloatNode(f.size());
        } else if (t instanceof BtfType.Datasec d) {
            List<Field> vars = new ArrayList<>();
            List<int[]> spans = new ArrayList<>();
            for (BtfType.SecInfo si : d.vars()) {
                if (!(btf.type(si.type()) instanceof BtfType.Var v) || si.offset() < 0) {
                    continue;
                }
                vars.add(new Field(v.name(), si.offset(), compile(btf, v.type(), 0, 0, depth + 1)));
                spans.add(new int[] {si.offset(), si.size()});
            }
            return new DatasecNode(vars.toArray(Field[]::new), spans.toArray(int[][]::new));
        }
        return new Fixed("null", "<" + t.kind().name().toLowerCase() + ">");
    }

    /** A member (or variable) of a plan: what precedes it, where it is from the start of its container. */
    private record Field(String prefix, int offset, Node node) {}

    /** What cannot be read: a type nested too deep, a kind without a value. */
    private static final class Fixed extends Node {
        private final String json;
        private final String text;

        Fixed(String json, String text) {
            this.json = json;
            this.text = text;
        }

        @Override
        void write(ByteBuffer b, int off, StringBuilder sb, boolean json, int limit) {
            sb.append(json ? this.json : text);
        }
    }

    private static final class IntNode extends Node {
        private final int size;
        private final int bits;
        private final int bitOff;
        private final boolean plain;
        private final boolean signed;
        private final boolean bool;

        IntNode(BtfType.Int i, int bitOff, int bitSize) {
            this.size = i.size();
            this.bits = bitSize != 0 ? bitSize : i.bits();
            this.bitOff = bitOff + i.bitOffset();
            this.plain = bitSize == 0 && i.bitOffset() == 0 && i.bits() == i.size() * 8;
            this.signed = i.signed();
            this.bool = (i.encoding() & BtfType.Int.BOOL) != 0;
        }

        @Override
        void write(ByteBuffer b, int off, StringBuilder sb, boolean json, int limit) {
            if (size > 8) {
                wide(json, b, off, size, sb);
                return;
            }
            long v = plain ? BtfValues.raw(b, off, size) : BtfValues.bits(b, off, bitOff, bits, size);
            if (signed && bits < 64) {
                v = (v << (64 - bits)) >> (64 - bits);
            }
            if (bool && (v == 0 || v == 1)) {
                // any other byte prints as its number: JSON that BtfJson writes back must give the same bytes
                // (a union may show the byte through another member too)
                sb.append(v != 0);
            } else if (signed || v >= 0) {
                sb.append(v);
            } else {
                sb.append(Long.toUnsignedString(v));
            }
        }
    }

    private static final class EnumNode extends Node {
        private final int size;
        private final int bitOff;
        private final int bitSize;
        private final boolean signed;
        private final long[] values;
        private final String[] names;
        private final String[] jsonNames;

        EnumNode(BtfType.Enum e, int bitOff, int bitSize) {
            this.size = e.size();
            this.bitOff = bitOff;
            this.bitSize = bitSize;
            this.signed = e.signed();
            int n = e.values().size();
            values = new long[n];
            names = new String[n];
            jsonNames = new String[n];
            for (int k = 0; k < n; k++) {
                BtfType.EnumValue ev = e.values().get(k);
                values[k] = e.size() < 8 && !e.signed() ? ev.value() & ((1L << (8 * e.size())) - 1) : ev.value();
                names[k] = ev.name();
                jsonNames[k] = '"' + BtfValues.escapeJson(ev.name()) + '"';
            }
        }

        @Override
        void write(ByteBuffer b, int off, StringBuilder sb, boolean json, int limit) {
            long v = bitSize != 0 ? BtfValues.bits(b, off, bitOff, bitSize, size) : BtfValues.raw(b, off, size);
            int width = bitSize != 0 ? bitSize : 8 * size;
            if (signed && width < 64) {
                v = (v << (64 - width)) >> (64 - width);
            }
            for (int k = 0; k < values.length; k++) {
                if (values[k] == v) {
                    sb.append(json ? jsonNames[k] : names[k]);
                    return;
                }
            }
            sb.append(signed ? Long.toString(v) : Long.toUnsignedString(v));
        }
    }

    private static final class PtrNode extends Node {
        @Override
        void write(ByteBuffer b, int off, StringBuilder sb, boolean json, int limit) {
            if (json) {
                sb.append('"');
            }
            sb.append("0x").append(Long.toHexString(BtfValues.raw(b, off, 8)));
            if (json) {
                sb.append('"');
            }
        }
    }

    /** {@code char[N]}: the bytes up to the first NUL as a string. */
    private static final class CharsNode extends Node {
        private final int n;

        CharsNode(int n) {
            this.n = n;
        }

        @Override
        void write(ByteBuffer b, int off, StringBuilder sb, boolean json, int limit) {
            int len = 0;
            boolean ascii = true;
            for (byte c; len < n && (c = b.get(off + len)) != 0; len++) {
                ascii &= c > 0;
            }
            if (ascii) {
                sb.append('"');
                for (int k = 0; k < len; k++) {
                    char c = (char) b.get(off + k);
                    if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f) {
                        sb.append(json ? BtfValues.escapeJson(String.valueOf(c)) : escape(String.valueOf(c)));
                    } else {
                        sb.append(c);
                    }
                }
                sb.append('"');
                return;
            }
            byte[] s = new byte[len];
            b.get(off, s);
            if (!json) {
                sb.append('"').append(escape(new String(s, StandardCharsets.UTF_8))).append('"');
            } else if (utf8(s)) {
                sb.append('"').append(BtfValues.escapeJson(new String(s, StandardCharsets.UTF_8))).append('"');
            } else {
                // not text: JSON keeps its exact bytes, in the form BtfJson reads back
                wide(true, b, off, n, sb);
            }
        }
    }

    private static final class ArrayNode extends Node {
        private final int id;
        private final Node elem;
        private final long esize;
        private final long n;

        ArrayNode(int id, Node elem, long esize, long n) {
            this.id = id;
            this.elem = elem;
            this.esize = esize;
            this.n = n;
        }

        @Override
        void write(ByteBuffer b, int off, StringBuilder sb, boolean json, int limit) {
            if (n * esize > b.limit() - off) {
                throw new BtfException("BTF type " + id + ": " + n + " elements of " + esize
                        + " bytes do not fit the value's " + (b.limit() - off) + " bytes");
            }
            sb.append('[');
            for (long k = 0; k < n; k++) {
                if (sb.length() > limit) {
                    sb.append(json ? "" : ", ...");
                    break;
                }
                if (k > 0) {
                    sb.append(json ? "," : ", ");
                }
                elem.render(b, (int) (off + k * esize), sb, json, limit);
            }
            sb.append(']');
        }
    }

    private static final class StructNode extends Node {
        private final Field[] text;
        private final Field[] json;

        StructNode(Field[] text, Field[] json) {
            this.text = text;
            this.json = json;
        }

        @Override
        void write(ByteBuffer b, int off, StringBuilder sb, boolean json, int limit) {
            sb.append('{');
            Field[] fields = json ? this.json : text;
            for (int k = 0; k < fields.length; k++) {
                if (json && k > 0) {
                    sb.append(',');
                }
                sb.append(fields[k].prefix());
                fields[k].node().render(b, off + fields[k].offset(), sb, json, limit);
            }
            sb.append('}');
        }
    }

    private static final class FloatNode extends Node {
        private final int size;

        FloatNode(int size) {
            this.size = size;
        }

        @Override
        void write(ByteBuffer b, int off, StringBuilder sb, boolean json, int limit) {
            if (size != 4 && size != 8) {
                wide(json, b, off, size, sb);
                return;
            }
            double d = size == 4 ? b.getFloat(off) : b.getDouble(off);
            if (json && (Double.isNaN(d) || Double.isInfinite(d))) {
                sb.append('"').append(d).append('"');
            } else if (size == 4) {
                sb.append(b.getFloat(off));
            } else {
                sb.append(d);
            }
        }
    }

    /** A global data section's value: its variables by name, like a struct's fields, those that fit. */
    private static final class DatasecNode extends Node {
        private final Field[] vars;
        private final int[][] spans;

        DatasecNode(Field[] vars, int[][] spans) {
            this.vars = vars;
            this.spans = spans;
        }

        @Override
        void write(ByteBuffer b, int off, StringBuilder sb, boolean json, int limit) {
            sb.append('{');
            boolean first = true;
            for (int k = 0; k < vars.length; k++) {
                if ((long) off + spans[k][0] + spans[k][1] > b.limit()) {
                    continue;
                }
                String name = vars[k].prefix();
                if (json) {
                    sb.append(first ? "" : ",").append('"').append(BtfValues.escapeJson(name)).append("\":");
                } else {
                    sb.append(first ? "" : ", ").append(name).append('=');
                }
                vars[k].node().render(b, off + vars[k].offset(), sb, json, limit);
                first = false;
            }
            sb.append('}');
        }
    }

    /** Bytes with no JSON number or string form: hex, as "hex:…" in JSON (what BtfJson reads back). */
    private static void wide(boolean json, ByteBuffer b, int off, int size, StringBuilder sb) {
        sb.append(json ? "\"hex:" : "0x");
        for (int k = 0; k < size; k++) {
            sb.append(Character.forDigit((b.get(off + k) >> 4) & 0xf, 16)).append(Character.forDigit(b.get(off + k) & 0xf, 16));
        }
        if (json) {
            sb.append('"');
        }
    }

    private static boolean utf8(byte[] s) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(s));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
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
