package dev.gewyvern.btf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Marshals a list of types (ids 1..n, in order) back into BTF bytes, as BPF_BTF_LOAD takes them. */
public final class BtfWriter {
    private final ByteOrder order;
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> stringOffsets = new HashMap<>();
    private final int stringBase;

    private BtfWriter(ByteOrder order, int stringBase) {
        this.order = order;
        this.stringBase = stringBase;
        string("");
        stringOffsets.put("", 0);
    }

    public static byte[] write(List<? extends BtfType> types, ByteOrder order) {
        return new BtfWriter(order, 0).encode(types);
    }

    /**
     * Writes split BTF over {@code base}: the types get ids from {@code base.typeCount()} on (their
     * references are taken as they are) and string offsets continue the base's string section.
     */
    static byte[] write(List<? extends BtfType> types, ByteOrder order, Btf base) {
        return new BtfWriter(order, base.stringsLength()).encode(types);
    }

    private int string(String s) {
        Integer off = stringOffsets.get(s);
        if (off != null) {
            return off;
        }
        int at = stringBase + strings.size();
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        strings.write(b, 0, b.length);
        strings.write(0);
        stringOffsets.put(s, at);
        return at;
    }

    private byte[] encode(List<? extends BtfType> types) {
        long typeLen = 0;
        for (BtfType t : types) {
            typeLen += 12 + Btf.trailing(t.kind(), vlen(t));
        }
        if (typeLen > Integer.MAX_VALUE / 2) {
            throw new BtfException("BTF of " + types.size() + " types is too large to write");
        }
        ByteBuffer tb = ByteBuffer.allocate((int) typeLen).order(order);
        for (BtfType t : types) {
            put(tb, t);
        }
        byte[] str = strings.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(Btf.HEADER_LEN + tb.capacity() + str.length).order(order);
        out.putShort((short) Btf.MAGIC).put((byte) 1).put((byte) 0).putInt(Btf.HEADER_LEN);
        out.putInt(0).putInt(tb.capacity()).putInt(tb.capacity()).putInt(str.length);
        out.put(tb.array()).put(str);
        return out.array();
    }

    private static int vlen(BtfType t) {
        if (t instanceof BtfType.Struct s) {
            return s.members().size();
        } else if (t instanceof BtfType.Enum e) {
            return e.values().size();
        } else if (t instanceof BtfType.FuncProto f) {
            return f.params().size();
        } else if (t instanceof BtfType.Datasec d) {
            return d.vars().size();
        } else if (t instanceof BtfType.Func f) {
            return f.linkage();
        }
        return 0;
    }

    private void head(ByteBuffer b, String name, BtfKind kind, boolean kflag, int vlen, int sizeOrType) {
        if (vlen < 0 || vlen > 0xffff) {
            throw new BtfException("BTF " + kind + " '" + name + "' has " + vlen + " entries; at most 65535 fit");
        }
        b.putInt(string(name));
        b.putInt((kflag ? 0x8000_0000 : 0) | (kind.number() << 24) | vlen);
        b.putInt(sizeOrType);
    }

    private void put(ByteBuffer b, BtfType t) {
        String name = t.name();
        if (t instanceof BtfType.Int i) {
            head(b, name, BtfKind.INT, false, 0, i.size());
            b.putInt((i.encoding() << 24) | (i.bitOffset() << 16) | i.bits());
        } else if (t instanceof BtfType.Ptr p) {
            head(b, name, BtfKind.PTR, false, 0, p.type());
        } else if (t instanceof BtfType.Array a) {
            head(b, name, BtfKind.ARRAY, false, 0, 0);
            b.putInt(a.elemType()).putInt(a.indexType()).putInt(a.nelems());
        } else if (t instanceof BtfType.Struct s) {
            head(b, name, s.kind(), s.bitfieldEncoding(), s.members().size(), s.size());
            for (BtfType.Member m : s.members()) {
                b.putInt(string(m.name())).putInt(m.type());
                b.putInt(s.bitfieldEncoding() ? (m.bitfieldSize() << 24) | (m.bitOffset() & 0xffffff) : m.bitOffset());
            }
        } else if (t instanceof BtfType.Enum e) {
            head(b, name, e.kind(), e.signed(), e.values().size(), e.size());
            for (BtfType.EnumValue v : e.values()) {
                b.putInt(string(v.name()));
                if (e.wide()) {
                    b.putInt((int) v.value()).putInt((int) (v.value() >>> 32));
                } else {
                    b.putInt((int) v.value());
                }
            }
        } else if (t instanceof BtfType.Fwd f) {
            head(b, name, BtfKind.FWD, f.union(), 0, 0);
        } else if (t instanceof BtfType.Typedef td) {
            head(b, name, BtfKind.TYPEDEF, false, 0, td.type());
        } else if (t instanceof BtfType.Qualifier q) {
            head(b, name, q.kind(), false, 0, q.type());
        } else if (t instanceof BtfType.TypeTag tt) {
            head(b, name, BtfKind.TYPE_TAG, false, 0, tt.type());
        } else if (t instanceof BtfType.Func f) {
            head(b, name, BtfKind.FUNC, false, f.linkage(), f.type());
        } else if (t instanceof BtfType.FuncProto fp) {
            head(b, name, BtfKind.FUNC_PROTO, false, fp.params().size(), fp.returnType());
            for (BtfType.Param p : fp.params()) {
                b.putInt(string(p.name())).putInt(p.type());
            }
        } else if (t instanceof BtfType.Var v) {
            head(b, name, BtfKind.VAR, false, 0, v.type());
            b.putInt(v.linkage());
        } else if (t instanceof BtfType.Datasec d) {
            head(b, name, BtfKind.DATASEC, false, d.vars().size(), d.size());
            for (BtfType.SecInfo v : d.vars()) {
                b.putInt(v.type()).putInt(v.offset()).putInt(v.size());
            }
        } else if (t instanceof BtfType.Float f) {
            head(b, name, BtfKind.FLOAT, false, 0, f.size());
        } else if (t instanceof BtfType.DeclTag dt) {
            head(b, name, BtfKind.DECL_TAG, false, 0, dt.type());
            b.putInt(dt.componentIdx());
        } else {
            throw new BtfException("cannot write BTF kind " + t.kind());
        }
    }
}
