package dev.gewyvern.btf;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a value of a BTF type from JSON into the bytes the type lays out: the reverse of
 * {@link BtfValues#json}, so that what `gew map dump` prints can be given back to `gew map update`.
 * Integers take JSON numbers (exact to 64 bits), or strings of a decimal or 0x-hex number; bool takes
 * true/false; enums a name or a number; {@code char[N]} a string of at most N bytes of UTF-8; other
 * arrays a list of at most N elements; structs and unions an object by member name (an anonymous member's
 * members by their own names), members left out are zero; bitfields their bits. Any value may instead be
 * {@code "hex:…"}: exactly its bytes. Every refusal names the path to the value and what was expected.
 */
public final class BtfJson {
    private static final int MAX_DEPTH = 32;

    private BtfJson() {
    }

    /** The bytes of a value of type {@code id} written as {@code json}. */
    public static byte[] encode(Btf btf, int id, String json, ByteOrder order) {
        int size = (int) btf.sizeOf(id);
        Object v = JsonText.parse(json);
        ByteBuffer b = ByteBuffer.allocate(size).order(order);
        write(btf, id, v, b, 0, 0, 0, "value", 0);
        return b.array();
    }

    /**
     * A JSON list whose every element is a value of type {@code id} (one per CPU of a per-CPU map), as the
     * elements' bytes; null when {@code json} is not a list.
     */
    public static List<byte[]> encodeEach(Btf btf, int id, String json, ByteOrder order) {
        Object v = JsonText.parse(json);
        if (!(v instanceof List<?> list)) {
            return null;
        }
        int size = (int) btf.sizeOf(id);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            ByteBuffer b = ByteBuffer.allocate(size).order(order);
            write(btf, id, list.get(i), b, 0, 0, 0, "value[" + i + "]", 0);
            out.add(b.array());
        }
        return out;
    }

    /** {@code hex:0a0b…} as bytes, or null when {@code text} does not start with "hex:". */
    public static byte[] hex(String text) {
        if (!text.startsWith("hex:")) {
            return null;
        }
        String digits = text.substring(4).replace(" ", "").replace("_", "");
        try {
            return HexFormat.of().parseHex(digits);
        } catch (IllegalArgumentException e) {
            throw new BtfException("'" + text + "' is not hex:<pairs of hex digits>");
        }
    }

    private static BtfException wrong(String path, String expected, Object got) {
        String shown = got == null ? "null" : got instanceof String s ? "\"" + s + "\""
                : got instanceof JsonText.Number n ? n.text() : got instanceof Map ? "an object"
                : got instanceof List ? "a list" : String.valueOf(got);
        return new BtfException(path + ": expected " + expected + ", got " + shown);
    }

    private static void write(Btf btf, int id, Object v, ByteBuffer b, int off, int bitOff, int bitSize, String path,
                              int depth) {
        if (depth > MAX_DEPTH) {
            throw new BtfException(path + ": nested deeper than " + MAX_DEPTH);
        }
        int rid = btf.resolve(id);
        BtfType t = btf.type(rid);
        if (v == null) {
            return; // no value: its bytes stay zero
        }
        if (v instanceof String s && s.startsWith("hex:") && bitSize == 0) {
            byte[] raw = hex(s);
            long size = btf.sizeOf(rid);
            if (raw.length != size) {
                throw new BtfException(path + ": " + raw.length + " bytes of hex for " + BtfValues.typeName(btf, id)
                        + ", which is " + size + " bytes");
            }
            b.put(off, raw);
            return;
        }
        if (t instanceof BtfType.Int i) {
            if (i.size() > 8) {
                throw wrong(path, "\"hex:…\" (" + i.size() + " bytes)", v);
            }
            int bits = bitSize != 0 ? bitSize : i.bits();
            long value;
            if (v instanceof Boolean flag) {
                value = flag ? 1 : 0;
            } else {
                value = integer(v, bits, i.signed(), path, BtfValues.typeName(btf, rid));
            }
            if (bitSize != 0 || i.bitOffset() != 0 || i.bits() != i.size() * 8) {
                putBits(b, off, bitOff + i.bitOffset(), bits, value);
            } else {
                putRaw(b, off, i.size(), value);
            }
        } else if (t instanceof BtfType.Enum e) {
            long value;
            if (v instanceof String name) {
                value = e.values().stream().filter(ev -> ev.name().equals(name)).findFirst()
                        .orElseThrow(() -> new BtfException(path + ": " + BtfValues.typeName(btf, rid) + " has no "
                                + name + " (it has " + String.join(", ", e.values().stream().map(BtfType.EnumValue::name)
                                .toList()) + ")")).value();
            } else {
                value = integer(v, bitSize != 0 ? bitSize : 8 * e.size(), e.signed(), path, BtfValues.typeName(btf, rid));
            }
            if (bitSize != 0) {
                putBits(b, off, bitOff, bitSize, value);
            } else {
                putRaw(b, off, e.size(), value);
            }
        } else if (t instanceof BtfType.Ptr) {
            putRaw(b, off, 8, integer(v, 64, false, path, BtfValues.typeName(btf, rid)));
        } else if (t instanceof BtfType.Float f) {
            double d;
            if (v instanceof JsonText.Number n) {
                d = Double.parseDouble(n.text());
            } else if (v instanceof String s && (s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity"))) {
                d = Double.parseDouble(s);
            } else {
                throw wrong(path, "a number", v);
            }
            if (f.size() == 4) {
                b.putFloat(off, (float) d);
            } else if (f.size() == 8) {
                b.putDouble(off, d);
            } else {
                throw wrong(path, "\"hex:…\" (" + f.size() + " bytes)", v);
            }
        } else if (t instanceof BtfType.Array a) {
            int elem = btf.resolve(a.elemType());
            long esize = btf.sizeOf(elem);
            long n = Integer.toUnsignedLong(a.nelems());
            if (btf.type(elem) instanceof BtfType.Int ei && ei.size() == 1
                    && ((ei.encoding() & BtfType.Int.CHAR) != 0 || "char".equals(ei.name())) && v instanceof String s) {
                byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                if (bytes.length > n) {
                    throw new BtfException(path + ": \"" + s + "\" is " + bytes.length + " bytes; "
                            + BtfValues.typeName(btf, rid) + " holds " + n);
                }
                b.put(off, bytes);
                return;
            }
            if (!(v instanceof List<?> list)) {
                throw wrong(path, "a list of at most " + n + " elements", v);
            }
            if (list.size() > n) {
                throw new BtfException(path + ": " + list.size() + " elements; " + BtfValues.typeName(btf, rid)
                        + " holds " + n);
            }
            for (int k = 0; k < list.size(); k++) {
                write(btf, elem, list.get(k), b, (int) (off + k * esize), 0, 0, path + "[" + k + "]", depth + 1);
            }
        } else if (t instanceof BtfType.Struct s) {
            if (!(v instanceof Map<?, ?> m)) {
                throw wrong(path, "an object (" + BtfValues.typeName(btf, rid) + ")", v);
            }
            Map<String, Object> left = new LinkedHashMap<>();
            m.forEach((k, x) -> left.put((String) k, x));
            List<String> names = new ArrayList<>();
            members(btf, s, left, b, off, path, depth, names);
            if (!left.isEmpty()) {
                throw new BtfException(path + ": " + BtfValues.typeName(btf, rid) + " has no member "
                        + String.join(", ", left.keySet()) + " (its members: " + String.join(", ", names) + ")");
            }
        } else if (t instanceof BtfType.Datasec d) {
            if (!(v instanceof Map<?, ?> m)) {
                throw wrong(path, "an object of variables", v);
            }
            Map<String, Object> left = new LinkedHashMap<>();
            m.forEach((k, x) -> left.put((String) k, x));
            for (BtfType.SecInfo si : d.vars()) {
                if (btf.type(si.type()) instanceof BtfType.Var var && left.containsKey(var.name())) {
                    write(btf, var.type(), left.remove(var.name()), b, off + si.offset(), 0, 0, path + "." + var.name(),
                            depth + 1);
                }
            }
            if (!left.isEmpty()) {
                throw new BtfException(path + ": section " + d.name() + " has no variable " + String.join(", ",
                        left.keySet()));
            }
        } else {
            throw new BtfException(path + ": a value of " + BtfValues.typeName(btf, rid) + " cannot be written from JSON;"
                    + " give \"hex:…\"");
        }
    }

    /** Writes the members named in {@code left} (removing them); an anonymous member's members count as ours. */
    private static void members(Btf btf, BtfType.Struct s, Map<String, Object> left, ByteBuffer b, int off, String path,
                                int depth, List<String> names) {
        for (BtfType.Member m : s.members()) {
            int at = off + m.bitOffset() / 8;
            if (m.name().isEmpty()) {
                if (m.bitfieldSize() == 0 && btf.type(btf.resolve(m.type())) instanceof BtfType.Struct inner
                        && depth < MAX_DEPTH) {
                    members(btf, inner, left, b, at, path, depth + 1, names);
                }
                continue;
            }
            names.add(m.name());
            if (left.containsKey(m.name())) {
                write(btf, m.type(), left.remove(m.name()), b, at, m.bitOffset() % 8, m.bitfieldSize(),
                        path + "." + m.name(), depth + 1);
            }
        }
    }

    /** An integer of {@code bits} bits, signed or not, from a JSON number or a string of one. */
    private static long integer(Object v, int bits, boolean signed, String path, String type) {
        BigInteger x;
        try {
            if (v instanceof JsonText.Number n) {
                x = new java.math.BigDecimal(n.text()).toBigIntegerExact();
            } else if (v instanceof String s) {
                String t = s.trim();
                boolean neg = t.startsWith("-");
                String body = neg ? t.substring(1) : t;
                x = body.startsWith("0x") || body.startsWith("0X") ? new BigInteger(body.substring(2), 16)
                        : new BigInteger(body);
                x = neg ? x.negate() : x;
            } else {
                throw wrong(path, "an integer (" + type + ")", v);
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw wrong(path, "an integer (" + type + ")", v);
        }
        BigInteger min = signed ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
        BigInteger max = signed ? BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE)
                : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        if (x.compareTo(min) < 0 || x.compareTo(max) > 0) {
            throw new BtfException(path + ": " + x + " does not fit " + type + (bits != 0 ? " (" + bits + " bits, "
                    + (signed ? "signed" : "unsigned") + ": " + min + " to " + max + ")" : ""));
        }
        return x.longValue();
    }

    static void putRaw(ByteBuffer b, int off, int size, long v) {
        switch (size) {
            case 1 -> b.put(off, (byte) v);
            case 2 -> b.putShort(off, (short) v);
            case 4 -> b.putInt(off, (int) v);
            case 8 -> b.putLong(off, v);
            default -> {
                for (int k = 0; k < size; k++) {
                    int at = b.order() == ByteOrder.LITTLE_ENDIAN ? off + k : off + size - 1 - k;
                    b.put(at, (byte) (v >>> (8 * k)));
                }
            }
        }
    }

    /** Writes a bitfield as the compiler lays it out for this byte order (the inverse of BtfValues.bits). */
    static void putBits(ByteBuffer b, int off, int bitOff, int nbits, long value) {
        int span = Math.min((bitOff + nbits + 7) / 8, 8);
        long word = BtfValues.raw(b, off, span);
        long mask = nbits >= 64 ? -1L : (1L << nbits) - 1;
        int shift = b.order() == ByteOrder.LITTLE_ENDIAN ? bitOff : span * 8 - bitOff - nbits;
        word = (word & ~(mask << shift)) | ((value & mask) << shift);
        putRaw(b, off, span, word);
    }
}
