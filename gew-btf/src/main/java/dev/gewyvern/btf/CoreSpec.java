package dev.gewyvern.btf;

import java.util.ArrayList;
import java.util.List;

/**
 * One side of a CO-RE relocation: a type in one BTF and, for field and enumerator relocations, the
 * access into it. {@code raw} is the access string as numbers, one per level ({@code 0:1:2:3}: the
 * pointer's element 0, then member 1, member 2, element 3); {@code accessors} keeps only the points
 * that mean something across BTFs: the first element, each named member and each array index
 * (anonymous structs and unions on the way are in {@code raw} only). {@code bitOffset} is where the
 * accessed field starts from the root. Type relocations have no accessors.
 */
public record CoreSpec(Btf btf, int rootTypeId, CoreReloKind kind, List<Accessor> accessors, List<Integer> raw,
                       long bitOffset) {

    /** Longest access string libbpf and the kernel accept. */
    public static final int MAX_LEN = 64;

    /** A named member ({@code name}), an enumerator ({@code name}) or an array index ({@code name} null). */
    public record Accessor(int typeId, int index, String name) {
        public boolean isArrayIndex() {
            return name == null;
        }
    }

    public CoreSpec {
        accessors = List.copyOf(accessors);
        raw = List.copyOf(raw);
    }

    /**
     * Parses relocation {@code access} for type {@code typeId} of {@code btf}, computing the field's
     * bit offset. A malformed access string is a {@link CoreException} saying how.
     */
    public static CoreSpec parse(Btf btf, int typeId, String access, CoreReloKind kind) {
        if (access.isEmpty() || access.charAt(0) == ':') {
            throw bad(btf, typeId, access, "the access string is empty or starts with ':'");
        }
        if (kind.typeBased()) {
            if (!access.equals("0")) {
                throw bad(btf, typeId, access, "a " + kind.label() + " relocation's access string must be \"0\"");
            }
            return new CoreSpec(btf, typeId, kind, List.of(), List.of(), 0);
        }
        List<Integer> raw = new ArrayList<>();
        for (String part : access.split(":", -1)) {
            if (part.isEmpty() || part.length() > 9 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw bad(btf, typeId, access, "'" + part + "' is not an index");
            }
            if (raw.size() == MAX_LEN) {
                throw bad(btf, typeId, access, "it is deeper than " + MAX_LEN + " levels");
            }
            raw.add(Integer.parseInt(part));
        }
        int id = resolve(btf, typeId, access);
        BtfType t = btf.type(id);
        List<Accessor> acc = new ArrayList<>();
        int first = raw.get(0);
        if (kind.enumvalBased()) {
            if (!(t instanceof BtfType.Enum e) || raw.size() > 1 || first >= e.values().size()) {
                throw bad(btf, typeId, access, "an enumerator relocation needs an enum and one index within it");
            }
            acc.add(new Accessor(id, first, e.values().get(first).name()));
            return new CoreSpec(btf, typeId, kind, acc, raw, 0);
        }
        acc.add(new Accessor(id, first, null));
        long bitOffset = (long) first * size(btf, id, typeId, access) * 8;
        for (int i = 1; i < raw.size(); i++) {
            id = resolve(btf, id, access);
            t = btf.type(id);
            int idx = raw.get(i);
            if (t instanceof BtfType.Struct s) {
                if (idx >= s.members().size()) {
                    throw bad(btf, typeId, access, btfName(btf, id) + " has no member #" + idx);
                }
                BtfType.Member m = s.members().get(idx);
                bitOffset += Integer.toUnsignedLong(m.bitOffset());
                if (!m.name().isEmpty()) {
                    acc.add(new Accessor(id, idx, m.name()));
                }
                id = m.type();
            } else if (t instanceof BtfType.Array a) {
                int elem = resolve(btf, a.elemType(), access);
                if (!isFlexibleArray(btf, acc.get(acc.size() - 1), a) && Integer.toUnsignedLong(idx)
                        >= Integer.toUnsignedLong(a.nelems())) {
                    throw bad(btf, typeId, access, "index " + idx + " is outside array[" + a.nelems() + "]");
                }
                acc.add(new Accessor(elem, idx, null));
                bitOffset += (long) idx * size(btf, elem, typeId, access) * 8;
                id = elem;
            } else {
                throw bad(btf, typeId, access, "level " + i + " reaches type " + id + ", a " + t.kind()
                        + ", which has no members or elements");
            }
        }
        return new CoreSpec(btf, typeId, kind, acc, raw, bitOffset);
    }

    /** An array that is a struct's last member and has no elements: any index is in it. */
    static boolean isFlexibleArray(Btf btf, Accessor last, BtfType.Array a) {
        if (last.isArrayIndex() || a.nelems() != 0) {
            return false;
        }
        BtfType owner = btf.type(last.typeId());
        return owner instanceof BtfType.Struct s && last.index() == s.members().size() - 1;
    }

    private static int resolve(Btf btf, int id, String access) {
        try {
            return btf.resolve(id);
        } catch (BtfException e) {
            throw new CoreException("CO-RE access " + access + ": " + e.getMessage());
        }
    }

    private static long size(Btf btf, int id, int root, String access) {
        try {
            return btf.sizeOf(id);
        } catch (BtfException e) {
            throw bad(btf, root, access, e.getMessage());
        }
    }

    private static CoreException bad(Btf btf, int typeId, String access, String why) {
        return new CoreException("CO-RE relocation on " + btfName(btf, typeId) + " [" + typeId + "] with access \""
                + access + "\" is malformed: " + why);
    }

    /** {@code struct task_struct}, {@code enum pid_type}, {@code typedef u32}, {@code <anon> union}... */
    static String btfName(Btf btf, int id) {
        BtfKind k = btf.kind(id);
        String name = btf.name(id);
        String kind = k == null ? "?" : k.name().toLowerCase(java.util.Locale.ROOT);
        return kind + " " + (name.isEmpty() ? "<anon>" : name);
    }

    /**
     * The access in C terms with its raw form and offset, e.g. {@code struct task_struct.pid (0:56 @
     * offset 2456)}; an enumerator as {@code enum pid_type::PIDTYPE_TGID = 1}; a type by its name.
     */
    public String describe() {
        StringBuilder b = new StringBuilder(btfName(btf, rootTypeId));
        if (kind.typeBased()) {
            return b.toString();
        }
        if (kind.enumvalBased()) {
            Accessor a = accessors.get(0);
            BtfType.Enum e = (BtfType.Enum) btf.type(a.typeId());
            long v = e.values().get(a.index()).value();
            return b.append("::").append(a.name()).append(" = ")
                    .append(e.wide() && !e.signed() ? Long.toUnsignedString(v) : Long.toString(v)).toString();
        }
        for (int i = 0; i < accessors.size(); i++) {
            Accessor a = accessors.get(i);
            if (a.name() != null) {
                b.append('.').append(a.name());
            } else if (i > 0 || a.index() > 0) {
                b.append('[').append(Integer.toUnsignedString(a.index())).append(']');
            }
        }
        b.append(" (");
        for (int i = 0; i < raw.size(); i++) {
            b.append(i == 0 ? "" : ":").append(raw.get(i));
        }
        b.append(" @ offset ").append(bitOffset / 8);
        if (bitOffset % 8 != 0) {
            b.append('.').append(bitOffset % 8);
        }
        return b.append(')').toString();
    }

    /** The accessed member's name path in C terms, e.g. {@code .sig.flags}, "" for a type relocation. */
    public String fieldPath() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < accessors.size(); i++) {
            Accessor a = accessors.get(i);
            b.append(a.name() != null ? "." + a.name() : "[" + Integer.toUnsignedString(a.index()) + "]");
        }
        return b.toString();
    }
}
