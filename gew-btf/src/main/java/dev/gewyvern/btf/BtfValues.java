package dev.gewyvern.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Renders BTF type names in C syntax and values of BTF types as text, like bpftool's map dump. */
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
            format(btf, id, b, 0, 0, 0, sb, 0);
        } catch (IndexOutOfBoundsException e) {
            // a member or element placed past the type's own size: BTF no compiler emits
            throw new BtfException("BTF type " + id + " (" + typeName(btf, id) + ") places a field outside its "
                    + size + "-byte value");
        }
        return sb.toString();
    }

    private static void format(Btf btf, int id, ByteBuffer b, int off, int bitOff, int bitSize, StringBuilder sb,
                               int depth) {
        if (depth > MAX_DEPTH || sb.length() > MAX_CHARS) {
            sb.append("...");
            return;
        }
        id = btf.resolve(id);
        BtfType t = btf.type(id);
        if (t instanceof BtfType.Int i) {
            int bits = bitSize != 0 ? bitSize : i.bits();
            if (i.size() > 8) {
                hex(b, off, i.size(), sb);
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
            if (e.signed() && e.size() < 8) {
                v = (v << (64 - 8 * e.size())) >> (64 - 8 * e.size());
            }
            for (BtfType.EnumValue ev : e.values()) {
                long want = e.size() < 8 && !e.signed() ? ev.value() & ((1L << (8 * e.size())) - 1) : ev.value();
                if (want == v) {
                    sb.append(ev.name());
                    return;
                }
            }
            sb.append(e.signed() ? Long.toString(v) : Long.toUnsignedString(v));
        } else if (t instanceof BtfType.Ptr) {
            sb.append("0x").append(Long.toHexString(raw(b, off, 8)));
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
                sb.append('"').append(escape(new String(s, StandardCharsets.UTF_8))).append('"');
                return;
            }
            if (n * Math.max(esize, 1) > b.capacity() - off) {
                throw new BtfException("BTF type " + id + ": " + n + " elements of " + esize
                        + " bytes do not fit the value's " + (b.capacity() - off) + " bytes");
            }
            sb.append('[');
            for (long k = 0; k < n; k++) {
                if (sb.length() > MAX_CHARS) {
                    sb.append(", ...");
                    break;
                }
                if (k > 0) {
                    sb.append(", ");
                }
                format(btf, elem, b, (int) (off + k * esize), 0, 0, sb, depth + 1);
            }
            sb.append(']');
        } else if (t instanceof BtfType.Struct s) {
            sb.append('{');
            boolean first = true;
            for (BtfType.Member m : s.members()) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                if (!m.name().isEmpty()) {
                    sb.append(m.name()).append('=');
                }
                format(btf, m.type(), b, off + m.bitOffset() / 8, m.bitOffset() % 8, m.bitfieldSize(), sb, depth + 1);
            }
            sb.append('}');
        } else if (t instanceof BtfType.Float f) {
            if (f.size() == 4) {
                sb.append(b.getFloat(off));
            } else if (f.size() == 8) {
                sb.append(b.getDouble(off));
            } else {
                hex(b, off, f.size(), sb);
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
                sb.append(first ? "" : ", ").append(v.name()).append('=');
                format(btf, v.type(), b, off + si.offset(), 0, 0, sb, depth + 1);
                first = false;
            }
            sb.append('}');
        } else {
            sb.append("<").append(t.kind().name().toLowerCase()).append(">");
        }
    }

    private static long raw(ByteBuffer b, int off, int size) {
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
    private static long bits(ByteBuffer b, int off, int bitOff, int nbits, int unitSize) {
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
