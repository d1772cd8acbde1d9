package dev.gewyvern.btf;

/**
 * The raw listing of BTF types, line for line the format of {@code bpftool btf dump file F}
 * (format raw): one {@code [id] KIND 'name' fields} line per type, members indented below it.
 */
public final class BtfRawDump {
    private BtfRawDump() {
    }

    /** Appends types {@code btf.firstTypeId()} and up to {@code out}. */
    public static void dump(Btf btf, Appendable out) throws java.io.IOException {
        StringBuilder sb = new StringBuilder(256);
        for (int id = btf.firstTypeId(); id < btf.typeCount(); id++) {
            sb.setLength(0);
            type(btf, id, sb);
            out.append(sb);
        }
    }

    public static String dump(Btf btf) {
        StringBuilder sb = new StringBuilder();
        for (int id = btf.firstTypeId(); id < btf.typeCount(); id++) {
            type(btf, id, sb);
        }
        return sb.toString();
    }

    /** One type's entry, ending in a newline. */
    static void type(Btf btf, int id, StringBuilder sb) {
        BtfType t = btf.type(id);
        sb.append('[').append(id).append("] ").append(t.kind().name()).append(' ');
        quoted(t.name(), sb);
        if (t instanceof BtfType.Int i) {
            sb.append(" size=").append(u(i.size())).append(" bits_offset=").append(i.bitOffset())
                    .append(" nr_bits=").append(i.bits()).append(" encoding=").append(intEncoding(i.encoding()));
        } else if (t instanceof BtfType.Ptr p) {
            sb.append(" type_id=").append(u(p.type()));
        } else if (t instanceof BtfType.Qualifier q) {
            sb.append(" type_id=").append(u(q.type()));
        } else if (t instanceof BtfType.Typedef td) {
            sb.append(" type_id=").append(u(td.type()));
        } else if (t instanceof BtfType.TypeTag tt) {
            sb.append(" type_id=").append(u(tt.type()));
        } else if (t instanceof BtfType.Array a) {
            sb.append(" type_id=").append(u(a.elemType())).append(" index_type_id=").append(u(a.indexType()))
                    .append(" nr_elems=").append(u(a.nelems()));
        } else if (t instanceof BtfType.Struct s) {
            sb.append(" size=").append(u(s.size())).append(" vlen=").append(s.members().size());
            for (BtfType.Member m : s.members()) {
                sb.append("\n\t");
                quoted(m.name(), sb);
                sb.append(" type_id=").append(u(m.type())).append(" bits_offset=").append(u(m.bitOffset()));
                if (m.bitfieldSize() != 0) {
                    sb.append(" bitfield_size=").append(m.bitfieldSize());
                }
            }
        } else if (t instanceof BtfType.Enum e) {
            sb.append(" encoding=").append(e.signed() ? "SIGNED" : "UNSIGNED").append(" size=").append(u(e.size()))
                    .append(" vlen=").append(e.values().size());
            for (BtfType.EnumValue v : e.values()) {
                sb.append("\n\t");
                quoted(v.name(), sb);
                sb.append(" val=");
                if (e.wide()) {
                    sb.append(e.signed() ? Long.toString(v.value()) + "LL" : Long.toUnsignedString(v.value()) + "ULL");
                } else {
                    sb.append(e.signed() ? Long.toString((int) v.value()) : Long.toString(v.value() & 0xffff_ffffL));
                }
            }
        } else if (t instanceof BtfType.Fwd f) {
            sb.append(" fwd_kind=").append(f.union() ? "union" : "struct");
        } else if (t instanceof BtfType.Func f) {
            sb.append(" type_id=").append(u(f.type())).append(" linkage=").append(linkage(f.linkage()));
        } else if (t instanceof BtfType.FuncProto fp) {
            sb.append(" ret_type_id=").append(u(fp.returnType())).append(" vlen=").append(fp.params().size());
            for (BtfType.Param p : fp.params()) {
                sb.append("\n\t");
                quoted(p.name(), sb);
                sb.append(" type_id=").append(u(p.type()));
            }
        } else if (t instanceof BtfType.Var v) {
            sb.append(" type_id=").append(u(v.type())).append(", linkage=").append(linkage(v.linkage()));
        } else if (t instanceof BtfType.Datasec d) {
            sb.append(" size=").append(u(d.size())).append(" vlen=").append(d.vars().size());
            for (BtfType.SecInfo v : d.vars()) {
                sb.append("\n\ttype_id=").append(u(v.type())).append(" offset=").append(u(v.offset()))
                        .append(" size=").append(u(v.size())).append(" (").append(btf.kind(v.type()).name()).append(' ');
                quoted(btf.name(v.type()), sb);
                sb.append(')');
            }
        } else if (t instanceof BtfType.Float f) {
            sb.append(" size=").append(u(f.size()));
        } else if (t instanceof BtfType.DeclTag dt) {
            sb.append(" type_id=").append(u(dt.type())).append(" component_idx=").append(dt.componentIdx());
        }
        sb.append('\n');
    }

    private static void quoted(String name, StringBuilder sb) {
        sb.append('\'').append(name.isEmpty() ? "(anon)" : name).append('\'');
    }

    private static String u(int v) {
        return Integer.toUnsignedString(v);
    }

    private static String intEncoding(int encoding) {
        switch (encoding) {
            case 0: return "(none)";
            case BtfType.Int.SIGNED: return "SIGNED";
            case BtfType.Int.CHAR: return "CHAR";
            case BtfType.Int.BOOL: return "BOOL";
            default: return "UNKN";
        }
    }

    private static String linkage(int linkage) {
        switch (linkage) {
            case 0: return "static";
            case 1: return "global";
            case 2: return "extern";
            default: return "UNKN";
        }
    }
}
