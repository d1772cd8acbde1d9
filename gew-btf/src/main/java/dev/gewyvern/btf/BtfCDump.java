package dev.gewyvern.btf;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The BTF types as a C header, like {@code bpftool btf dump file F format c} (a vmlinux.h): every
 * named struct, union, enum and typedef, each after the types it holds by value, forward declarations
 * for those only reached through pointers, anonymous types inline, explicit padding and
 * {@code __attribute__((packed))} where the layout needs them so that clang lays every struct out at
 * the size and offsets BTF records. Names that collide (BTF merges many compilation units) get a
 * {@code ___N} suffix, as libbpf does. An enum without enumerators is how BTF records an enum only
 * declared in its compilation unit ({@code enum nf_nat_manip_type;} in 6.1's vmlinux): C has no empty
 * enum, so a named one is a forward declaration (as bpftool writes it) that merges with a definition of
 * the same name, and an anonymous one is the unsigned integer of its size. Functions, variables and
 * data sections are not emitted.
 */
public final class BtfCDump {
    private static final int NOT_SEEN = 0;
    private static final int ORDERING = 1;
    private static final int DONE = 2;
    private static final int MAX_DEPTH = 64;

    private final Btf btf;
    private final StringBuilder out;
    private final byte[] state;
    private final boolean[] declared;
    private final String[] names;
    private final Map<String, Integer> tagNames = new HashMap<>();
    private final Map<String, Integer> identNames = new HashMap<>();
    private final Map<Integer, Integer> alignments = new HashMap<>();
    /** Characters of C the dump may build: valid BTF inlines each anonymous type once, so it stays linear. */
    private final long budget;
    private long built;

    private BtfCDump(Btf btf, StringBuilder out) {
        this.btf = btf;
        this.out = out;
        this.state = new byte[btf.typeCount()];
        this.declared = new boolean[btf.typeCount()];
        this.names = new String[btf.typeCount()];
        this.budget = 200L * btf.typeCount() + (4 << 20); // vmlinux: about 5 MB of C against a budget of 29

    }

    /** Counts text as it is built; BTF that reuses anonymous types everywhere would grow it without end. */
    private String spend(String text) {
        built += text.length();
        if (built > budget) {
            throw new BtfException("BTF C dump grows past " + budget + " characters: anonymous types are"
                    + " shared or nested in a way no compiler emits");
        }
        return text;
    }

    private static void tooDeep(int id) {
        throw new BtfException("BTF type " + id + ": types nest deeper than " + MAX_DEPTH + " (a cycle?)");
    }

    /** The whole header, guarded by {@code guard} (e.g. __VMLINUX_H__). */
    public static String dump(Btf btf, String guard) {
        StringBuilder sb = new StringBuilder();
        sb.append("#ifndef ").append(guard).append("\n#define ").append(guard).append("\n\n");
        sb.append("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n")
                .append("#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n")
                .append("#endif\n\n");
        BtfCDump d = new BtfCDump(btf, sb);
        for (int id = 1; id < btf.typeCount(); id++) {
            d.emitTopLevel(id);
        }
        sb.append("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n#endif\n\n");
        sb.append("#endif /* ").append(guard).append(" */\n");
        return sb.toString();
    }

    /** The C name (with its ___N suffix when it collides) of named struct/union/enum/typedef {@code id}. */
    private String name(int id) {
        String n = names[id];
        if (n == null) {
            String base = btf.name(id);
            BtfKind k = btf.kind(id);
            if (k == BtfKind.FWD || isEmptyEnum(id)) {
                n = base; // merges with the definition of the same name, if any
            } else {
                n = unique(k == BtfKind.TYPEDEF ? identNames : tagNames, base);
            }
            names[id] = n;
        }
        return n;
    }

    private static String unique(Map<String, Integer> seen, String base) {
        int count = seen.merge(base, 1, Integer::sum);
        return count == 1 ? base : base + "___" + count;
    }

    private void emitTopLevel(int id) {
        BtfKind k = btf.kind(id);
        switch (k) {
            case STRUCT, UNION, TYPEDEF, FWD -> {
                if (!btf.name(id).isEmpty()) {
                    order(id, false, 0);
                }
            }
            case ENUM, ENUM64 -> order(id, false, 0);
            default -> { }
        }
    }

    /**
     * Emits what type {@code id} needs and then, when it is a named aggregate or typedef, the type
     * itself. Through a pointer a named struct or union only needs a forward declaration.
     */
    private void order(int id, boolean throughPtr, int depth) {
        if (id == 0 || depth > MAX_DEPTH) {
            return;
        }
        BtfType t = btf.type(id);
        BtfKind k = t.kind();
        switch (k) {
            case PTR -> order(((BtfType.Ptr) t).type(), true, depth + 1);
            case ARRAY -> order(((BtfType.Array) t).elemType(), throughPtr, depth + 1);
            case CONST, VOLATILE, RESTRICT -> order(((BtfType.Qualifier) t).type(), throughPtr, depth + 1);
            case TYPE_TAG -> order(((BtfType.TypeTag) t).type(), throughPtr, depth + 1);
            case FUNC_PROTO -> {
                BtfType.FuncProto fp = (BtfType.FuncProto) t;
                order(fp.returnType(), true, depth + 1);
                for (BtfType.Param p : fp.params()) {
                    order(p.type(), true, depth + 1);
                }
            }
            case FWD -> forward(id);
            case ENUM, ENUM64 -> {
                if (isEmptyEnum(id)) {
                    if (state[id] == NOT_SEEN && !t.name().isEmpty()) {
                        state[id] = DONE;
                        out.append("enum ").append(name(id)).append(";\n\n");
                    }
                } else if (state[id] == NOT_SEEN && !t.name().isEmpty() || state[id] == NOT_SEEN && depth == 0) {
                    state[id] = DONE;
                    out.append(enumBody((BtfType.Enum) t, id, "")).append(";\n\n");
                }
            }
            case TYPEDEF -> {
                int target = ((BtfType.Typedef) t).type();
                if (state[id] != NOT_SEEN) {
                    if (state[id] == DONE && !throughPtr) {
                        order(target, false, depth + 1); // now needed by value: its struct must be complete
                    }
                    return;
                }
                state[id] = ORDERING;
                // a typedef may name a struct before it is complete
                order(target, throughPtr || isNamedAggregate(target), depth + 1);
                state[id] = DONE;
                if (!"__builtin_va_list".equals(t.name())) {
                    out.append("typedef ").append(decl(target, name(id), 0, 1)).append(";\n\n");
                }
                if (!throughPtr) {
                    order(target, false, depth + 1);
                }
            }
            case STRUCT, UNION -> {
                boolean named = !t.name().isEmpty();
                if (named && throughPtr) {
                    forward(id);
                    return;
                }
                if (state[id] == DONE || state[id] == ORDERING && !named) {
                    return;
                }
                if (state[id] == ORDERING) {
                    return; // a cycle by value cannot be valid C; BTF from a compiler has none
                }
                state[id] = ORDERING;
                for (BtfType.Member m : ((BtfType.Struct) t).members()) {
                    order(m.type(), false, depth + 1);
                }
                if (named) {
                    out.append(structBody((BtfType.Struct) t, id, 0, depth)).append(";\n\n");
                    state[id] = DONE;
                } else {
                    state[id] = DONE; // anonymous: written inline wherever it is used, its needs now met
                }
            }
            default -> { }
        }
    }

    /** An enum with no enumerators: declared, never defined, in the compilation unit BTF came from. */
    private boolean isEmptyEnum(int id) {
        return btf.type(id) instanceof BtfType.Enum e && e.values().isEmpty();
    }

    private boolean isNamedAggregate(int id) {
        BtfKind k = btf.kind(id);
        return (k == BtfKind.STRUCT || k == BtfKind.UNION) && !btf.name(id).isEmpty();
    }

    private void forward(int id) {
        if (declared[id] || state[id] == DONE) {
            return;
        }
        declared[id] = true;
        BtfType t = btf.type(id);
        boolean union = t instanceof BtfType.Fwd f ? f.union() : t.kind() == BtfKind.UNION;
        out.append(union ? "union " : "struct ").append(name(id)).append(";\n\n");
    }

    private static void indent(StringBuilder sb, int level) {
        for (int i = 0; i < level; i++) {
            sb.append('\t');
        }
    }

    private String enumBody(BtfType.Enum e, int id, String indentUnused) {
        StringBuilder sb = new StringBuilder("enum");
        if (!e.name().isEmpty()) {
            sb.append(' ').append(name(id));
        }
        sb.append(" {\n");
        for (BtfType.EnumValue v : e.values()) {
            sb.append('\t').append(unique(identNames, v.name())).append(" = ");
            if (e.wide()) {
                sb.append(e.signed() ? v.value() + "LL" : Long.toUnsignedString(v.value()) + "ULL");
            } else {
                sb.append(e.signed() ? Long.toString((int) v.value()) : Long.toString(v.value() & 0xffff_ffffL));
            }
            sb.append(",\n");
        }
        sb.append('}');
        if (e.size() < 4) {
            sb.append(" __attribute__((packed))");
        }
        return sb.toString();
    }

    /** A struct or union definition at indentation {@code level} (its closing brace included, no ';'). */
    private String structBody(BtfType.Struct s, int id, int level, int depth) {
        if (depth > MAX_DEPTH) {
            tooDeep(id);
        }
        StringBuilder sb = new StringBuilder(s.union() ? "union" : "struct");
        if (!s.name().isEmpty()) {
            sb.append(' ').append(name(id));
        }
        sb.append(" {\n");
        long bit = 0;
        boolean packed = needsPacking(s, id);
        for (BtfType.Member m : s.members()) {
            long off = Integer.toUnsignedLong(m.bitOffset());
            if (!s.union() && off > bit && natural(m, bit, packed) != off) {
                pad(sb, bit, off, level + 1, packed);
            }
            indent(sb, level + 1);
            sb.append(decl(m.type(), m.name(), level + 1, depth + 1));
            if (m.bitfieldSize() != 0) {
                sb.append(": ").append(m.bitfieldSize());
            }
            sb.append(";\n");
            long end = off + (m.bitfieldSize() != 0 ? m.bitfieldSize() : 8 * safeSize(m.type()));
            if (!s.union()) {
                bit = Math.max(bit, end);
            }
        }
        long size = 8 * Integer.toUnsignedLong(s.size());
        if (!s.union() && bit < size) {
            long aligned = alignUp(bit, 8L * alignOf(id, 0));
            if (aligned != size || packed) {
                pad(sb, bit, size, level + 1, packed);
            }
        }
        indent(sb, level);
        sb.append('}');
        if (packed) {
            sb.append(" __attribute__((packed))");
        }
        return spend(sb.toString());
    }

    /** Where clang would put member {@code m} after bit {@code bit}, given no padding. */
    private long natural(BtfType.Member m, long bit, boolean packed) {
        if (m.bitfieldSize() == 0) {
            return packed ? alignUp(bit, 8) : alignUp(bit, 8L * alignOf(m.type(), 0));
        }
        long unit = 8 * safeSize(m.type());
        if (packed || unit == 0 || bit / unit == (bit + m.bitfieldSize() - 1) / unit) {
            return bit;
        }
        return alignUp(bit, unit);
    }

    private static long alignUp(long v, long a) {
        return a <= 0 ? v : (v + a - 1) / a * a;
    }

    /** Anonymous bitfields from bit {@code from} to {@code to}: long: 64 where aligned, smaller otherwise. */
    private void pad(StringBuilder sb, long from, long to, int level, boolean packed) {
        while (from < to) {
            spend("long: 64;\n"); // a lying size must not pad for ever
            int[] units = {64, 32, 16, 8};
            String[] types = {"long", "int", "short", "char"};
            boolean done = false;
            for (int u = 0; u < units.length; u++) {
                if (from % units[u] == 0 && to - from >= units[u]) {
                    indent(sb, level);
                    sb.append(types[u]).append(": ").append(units[u]).append(";\n");
                    from += units[u];
                    done = true;
                    break;
                }
            }
            if (!done) {
                long n = Math.min(to - from, 8 - from % 8);
                indent(sb, level);
                sb.append("char: ").append(n).append(";\n");
                from += n;
            }
        }
    }

    private long safeSize(int id) {
        try {
            return btf.sizeOf(id);
        } catch (BtfException e) {
            return 0;
        }
    }

    /** True when some member sits below its natural alignment, or the size is not a multiple of it. */
    private boolean needsPacking(BtfType.Struct s, int id) {
        long align = 1;
        for (BtfType.Member m : s.members()) {
            int a = alignOf(m.type(), 0);
            align = Math.max(align, a);
            if (m.bitfieldSize() == 0 && Integer.toUnsignedLong(m.bitOffset()) % (8L * a) != 0) {
                return true;
            }
        }
        return Integer.toUnsignedLong(s.size()) % align != 0;
    }

    /** The natural alignment in bytes clang gives type {@code id} (x86-64 / BPF rules). */
    private int alignOf(int id, int depth) {
        if (depth > MAX_DEPTH) {
            return 1;
        }
        id = btf.resolve(id);
        Integer cached = alignments.get(id);
        if (cached != null) {
            return cached;
        }
        BtfType t = btf.type(id);
        int a;
        if (t instanceof BtfType.Int i) {
            a = Math.max(1, Math.min(i.size(), 16));
        } else if (t instanceof BtfType.Float f) {
            a = Math.max(1, Math.min(f.size(), 16));
        } else if (t instanceof BtfType.Enum e) {
            a = Math.max(1, Math.min(e.size(), 8));
        } else if (t instanceof BtfType.Ptr) {
            a = 8;
        } else if (t instanceof BtfType.Array arr) {
            a = alignOf(arr.elemType(), depth + 1);
        } else if (t instanceof BtfType.Struct s) {
            alignments.put(id, 1); // a (broken) cycle ends here
            a = 1;
            if (!needsPacking(s, id)) {
                for (BtfType.Member m : s.members()) {
                    a = Math.max(a, alignOf(m.type(), depth + 1));
                }
            }
        } else {
            a = 1;
        }
        alignments.put(id, a);
        return a;
    }

    /**
     * The C declaration of {@code inner} (a name, possibly "") with type {@code id}: pointers, arrays
     * and function prototypes wrap the declarator the way C reads it.
     */
    private String decl(int id, String inner, int level, int depth) {
        if (depth > MAX_DEPTH) {
            tooDeep(id);
        }
        BtfType t = btf.type(id);
        if (t instanceof BtfType.Ptr p) {
            BtfKind target = btf.kind(skipTags(p.type()));
            String d = "*" + inner;
            if (target == BtfKind.ARRAY || target == BtfKind.FUNC_PROTO) {
                d = "(" + d + ")";
            }
            return decl(p.type(), d, level, depth + 1);
        } else if (t instanceof BtfType.Array a) {
            return decl(a.elemType(), inner + "[" + Integer.toUnsignedString(a.nelems()) + "]", level, depth + 1);
        } else if (t instanceof BtfType.Qualifier q) {
            String word = q.kind().name().toLowerCase();
            if (btf.kind(skipTags(q.type())) == BtfKind.PTR) {
                return decl(q.type(), word + (inner.isEmpty() ? "" : " " + inner), level, depth + 1);
            }
            if (btf.kind(skipTags(q.type())) == BtfKind.FUNC_PROTO) {
                return decl(q.type(), inner, level, depth + 1);
            }
            String under = decl(q.type(), inner, level, depth + 1);
            // const over an array of const: C reads both as one qualifier
            return under.startsWith(word + " ") ? under : word + " " + under;
        } else if (t instanceof BtfType.TypeTag tt) {
            return decl(tt.type(), inner, level, depth + 1);
        } else if (t instanceof BtfType.FuncProto fp) {
            StringBuilder params = new StringBuilder("(");
            List<BtfType.Param> ps = fp.params();
            if (ps.isEmpty()) {
                params.append("void");
            }
            for (int i = 0; i < ps.size(); i++) {
                if (i > 0) {
                    params.append(", ");
                }
                BtfType.Param p = ps.get(i);
                if (i == ps.size() - 1 && p.type() == 0) {
                    params.append("...");
                } else {
                    params.append(decl(p.type(), "", level, depth + 1));
                }
            }
            params.append(')');
            return decl(fp.returnType(), inner + params, level, depth + 1);
        }
        return join(base(id, t, level, depth), inner);
    }

    /** The C unsigned integer type of {@code size} bytes (an empty anonymous enum's stand-in). */
    private static String unsignedOfSize(int size) {
        switch (size) {
            case 1: return "unsigned char";
            case 2: return "unsigned short";
            case 8: return "unsigned long long";
            default: return "unsigned int";
        }
    }

    private int skipTags(int id) {
        for (int i = 0; i < MAX_DEPTH && btf.kind(id) == BtfKind.TYPE_TAG; i++) {
            id = ((BtfType.TypeTag) btf.type(id)).type();
        }
        return id;
    }

    private static String join(String base, String inner) {
        return inner.isEmpty() ? base : base + " " + inner;
    }

    /** The type specifier: a name, or an anonymous struct/union/enum written out in full. */
    private String base(int id, BtfType t, int level, int depth) {
        if (t instanceof BtfType.Void) {
            return "void";
        } else if (t instanceof BtfType.Struct s) {
            return s.name().isEmpty() ? structBody(s, id, level, depth + 1) : (s.union() ? "union " : "struct ") + name(id);
        } else if (t instanceof BtfType.Enum e) {
            if (e.name().isEmpty() && e.values().isEmpty()) {
                return unsignedOfSize(e.size());
            }
            if (e.name().isEmpty()) {
                return spend(enumBody(e, id, "").replace("\n", "\n" + "\t".repeat(level)));
            }
            return "enum " + name(id);
        } else if (t instanceof BtfType.Fwd f) {
            return (f.union() ? "union " : "struct ") + name(id);
        } else if (t instanceof BtfType.Typedef) {
            return name(id);
        } else if (t instanceof BtfType.Int || t instanceof BtfType.Float) {
            return t.name();
        }
        return "void"; // FUNC, VAR, DATASEC, DECL_TAG are no value types
    }
}
