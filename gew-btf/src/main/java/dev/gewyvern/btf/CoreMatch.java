package dev.gewyvern.btf;

import java.util.ArrayList;
import java.util.List;

/**
 * The CO-RE matching rules, libbpf's and the kernel's: which target types are compatible with a
 * local one for type relocations, which "match" for TYPE_MATCHES, and how a local field access is
 * found in a candidate (members by exact name, searched through anonymous structs and unions,
 * array indices within bounds, field types compatible).
 */
final class CoreMatch {
    private static final int MAX_DEPTH = 32;

    private CoreMatch() {
    }

    /** Kinds CO-RE treats as the same: equal, or both enums (ENUM and ENUM64). */
    static boolean kindsCompatible(BtfKind a, BtfKind b) {
        return a == b || (isEnum(a) && isEnum(b));
    }

    private static boolean isEnum(BtfKind k) {
        return k == BtfKind.ENUM || k == BtfKind.ENUM64;
    }

    private static boolean composite(BtfKind k) {
        return k == BtfKind.STRUCT || k == BtfKind.UNION;
    }

    /**
     * Matches {@code local}'s access in candidate {@code targetId} of {@code target}: the target's
     * spec, or null when the candidate does not have the field (or enumerator, or compatible type).
     */
    static CoreSpec spec(CoreSpec local, Btf target, int targetId) {
        CoreReloKind kind = local.kind();
        if (kind.typeBased()) {
            boolean ok = kind == CoreReloKind.TYPE_MATCHES
                    ? typesMatch(local.btf(), local.rootTypeId(), target, targetId, false, MAX_DEPTH)
                    : typesCompatible(local.btf(), local.rootTypeId(), target, targetId, MAX_DEPTH);
            return ok ? new CoreSpec(target, targetId, kind, List.of(), List.of(), 0) : null;
        }
        if (kind.enumvalBased()) {
            int id = target.resolve(targetId);
            if (!(target.type(id) instanceof BtfType.Enum e)) {
                return null;
            }
            String want = local.accessors().get(0).name();
            for (int i = 0; i < e.values().size(); i++) {
                String name = e.values().get(i).name();
                if (CoreNames.sameEssential(want, name)) {
                    return new CoreSpec(target, targetId, kind, List.of(new CoreSpec.Accessor(id, i, name)),
                            List.of(i), 0);
                }
            }
            return null;
        }
        Walk w = new Walk();
        int id = targetId;
        for (int i = 0; i < local.accessors().size(); i++) {
            CoreSpec.Accessor la = local.accessors().get(i);
            id = target.resolve(id);
            if (!la.isArrayIndex()) {
                if (!member(local.btf(), la, target, id, w)) {
                    return null;
                }
                id = w.next;
                continue;
            }
            if (i > 0) {
                if (!(target.type(id) instanceof BtfType.Array a)) {
                    return null;
                }
                if (!CoreSpec.isFlexibleArray(target, w.accessors.get(w.accessors.size() - 1), a)
                        && Integer.toUnsignedLong(la.index()) >= Integer.toUnsignedLong(a.nelems())) {
                    return null;
                }
                id = target.resolve(a.elemType());
            }
            w.push(la.index());
            w.accessors.add(new CoreSpec.Accessor(id, la.index(), null));
            w.bitOffset += (long) la.index() * target.sizeOf(id) * 8;
        }
        return new CoreSpec(target, targetId, kind, w.accessors, w.raw, w.bitOffset);
    }

    /** A target spec under construction. */
    private static final class Walk {
        final List<CoreSpec.Accessor> accessors = new ArrayList<>();
        final List<Integer> raw = new ArrayList<>();
        long bitOffset;
        int next;

        void push(int index) {
            if (raw.size() == CoreSpec.MAX_LEN) {
                throw new CoreException("CO-RE: the target's struct/union/array nesting is deeper than "
                        + CoreSpec.MAX_LEN + " levels");
            }
            raw.add(index);
        }
    }

    /** Finds the local named member in target composite {@code targetId}, anonymous members searched through. */
    private static boolean member(Btf localBtf, CoreSpec.Accessor la, Btf target, int targetId, Walk w) {
        targetId = target.resolve(targetId);
        if (!(target.type(targetId) instanceof BtfType.Struct ts)) {
            return false;
        }
        BtfType.Struct ls = (BtfType.Struct) localBtf.type(la.typeId());
        BtfType.Member lm = ls.members().get(la.index());
        List<BtfType.Member> members = ts.members();
        for (int i = 0; i < members.size(); i++) {
            BtfType.Member m = members.get(i);
            long bits = Integer.toUnsignedLong(m.bitOffset());
            w.push(i);
            w.bitOffset += bits;
            if (m.name().isEmpty()) {
                if (member(localBtf, la, target, m.type(), w)) {
                    return true;
                }
            } else if (m.name().equals(lm.name())) {
                w.next = m.type();
                if (fieldsCompatible(localBtf, lm.type(), target, m.type())) {
                    w.accessors.add(new CoreSpec.Accessor(targetId, i, m.name()));
                    return true;
                }
                return false;
            }
            w.bitOffset -= bits;
            w.raw.remove(w.raw.size() - 1);
        }
        return false;
    }

    /**
     * Field types that a relocated access may read as one another: any two structs/unions, pointers,
     * floats; enums and forward declarations of the same essential name (or one anonymous); integers
     * that are not old-style bitfield ints; arrays of compatible elements.
     */
    static boolean fieldsCompatible(Btf lb, int lid, Btf tb, int tid) {
        for (int depth = 0; depth < MAX_DEPTH * 2; depth++) {
            lid = lb.resolve(lid);
            tid = tb.resolve(tid);
            BtfKind lk = lb.kind(lid);
            BtfKind tk = tb.kind(tid);
            if (composite(lk) && composite(tk)) {
                return true;
            }
            if (!kindsCompatible(lk, tk)) {
                return false;
            }
            switch (lk) {
                case PTR:
                case FLOAT:
                    return true;
                case FWD:
                case ENUM:
                case ENUM64: {
                    String ln = lb.name(lid);
                    String tn = tb.name(tid);
                    return CoreNames.essentialLength(ln) == 0 || CoreNames.essentialLength(tn) == 0
                            || CoreNames.sameEssential(ln, tn);
                }
                case INT:
                    return intOffset(lb, lid) == 0 && intOffset(tb, tid) == 0;
                case ARRAY:
                    lid = ((BtfType.Array) lb.type(lid)).elemType();
                    tid = ((BtfType.Array) tb.type(tid)).elemType();
                    continue;
                default:
                    return false;
            }
        }
        throw new CoreException("CO-RE: array nesting deeper than " + MAX_DEPTH * 2 + " comparing field types");
    }

    private static int intOffset(Btf btf, int id) {
        return ((BtfType.Int) btf.type(id)).bitOffset();
    }

    /**
     * Type relocation compatibility: same kind (after typedefs and qualifiers), structs, unions,
     * enums and forward declarations by name alone, integers unless old bitfield ints, pointers and
     * arrays by what they hold, function prototypes parameter by parameter.
     */
    static boolean typesCompatible(Btf lb, int lid, Btf tb, int tid, int level) {
        if (!kindsCompatible(lb.kind(lid), tb.kind(tid))) {
            return false;
        }
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            lid = lb.resolve(lid);
            tid = tb.resolve(tid);
            BtfKind lk = lb.kind(lid);
            if (!kindsCompatible(lk, tb.kind(tid))) {
                return false;
            }
            switch (lk) {
                case VOID:
                case STRUCT:
                case UNION:
                case ENUM:
                case ENUM64:
                case FWD:
                    return true;
                case INT:
                    return intOffset(lb, lid) == 0 && intOffset(tb, tid) == 0;
                case PTR:
                    lid = ((BtfType.Ptr) lb.type(lid)).type();
                    tid = ((BtfType.Ptr) tb.type(tid)).type();
                    continue;
                case ARRAY:
                    lid = ((BtfType.Array) lb.type(lid)).elemType();
                    tid = ((BtfType.Array) tb.type(tid)).elemType();
                    continue;
                case FUNC_PROTO: {
                    BtfType.FuncProto lp = (BtfType.FuncProto) lb.type(lid);
                    BtfType.FuncProto tp = (BtfType.FuncProto) tb.type(tid);
                    if (lp.params().size() != tp.params().size()) {
                        return false;
                    }
                    for (int i = 0; i < lp.params().size(); i++) {
                        if (level <= 0) {
                            throw new CoreException("CO-RE: function prototypes nest deeper than " + MAX_DEPTH);
                        }
                        if (!typesCompatible(lb, lb.resolve(lp.params().get(i).type()), tb,
                                tb.resolve(tp.params().get(i).type()), level - 1)) {
                            return false;
                        }
                    }
                    lid = lp.returnType();
                    tid = tp.returnType();
                    continue;
                }
                default:
                    return false;
            }
        }
        throw new CoreException("CO-RE: type chain deeper than " + MAX_DEPTH + " comparing types");
    }

    /** Names equal up to their flavour; an anonymous target only matches an anonymous local. */
    private static boolean namesMatch(String local, String target) {
        if (target.isEmpty()) {
            return local.isEmpty();
        }
        return CoreNames.sameEssential(local, target);
    }

    /**
     * TYPE_MATCHES: the stricter relation of {@code bpf_core_type_matches()}. Names match (up to
     * flavour) at every level; integers by size and signedness; enums when every local enumerator
     * name is in the target and sizes agree; structs and unions when every local member has a
     * matching target member (behind a pointer only names and kinds, a forward declaration also
     * matching); arrays by length and element; pointers and prototypes recursively.
     */
    static boolean typesMatch(Btf lb, int lid, Btf tb, int tid, boolean behindPtr, int level) {
        if (level <= 0) {
            throw new CoreException("CO-RE: types nest deeper than " + MAX_DEPTH + " checking a type match");
        }
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            lid = lb.resolve(lid);
            tid = tb.resolve(tid);
            if (!namesMatch(lb.name(lid), tb.name(tid))) {
                return false;
            }
            BtfType lt = lb.type(lid);
            BtfType tt = tb.type(tid);
            BtfKind lk = lt.kind();
            BtfKind tk = tt.kind();
            switch (lk) {
                case VOID:
                    return tk == BtfKind.VOID;
                case FWD: {
                    boolean lu = ((BtfType.Fwd) lt).union();
                    if (tk == BtfKind.FWD) {
                        return lu == ((BtfType.Fwd) tt).union();
                    }
                    return behindPtr && ((tk == BtfKind.STRUCT && !lu) || (tk == BtfKind.UNION && lu));
                }
                case ENUM:
                case ENUM64:
                    return tt instanceof BtfType.Enum te && enumsMatch((BtfType.Enum) lt, te);
                case STRUCT:
                case UNION:
                    if (behindPtr) {
                        if (lk == tk) {
                            return true;
                        }
                        return tk == BtfKind.FWD && (lk == BtfKind.UNION) == ((BtfType.Fwd) tt).union();
                    }
                    return lk == tk && compositesMatch(lb, (BtfType.Struct) lt, tb, (BtfType.Struct) tt, behindPtr, level);
                case INT: {
                    if (!(tt instanceof BtfType.Int ti)) {
                        return false;
                    }
                    BtfType.Int li = (BtfType.Int) lt;
                    return li.size() == ti.size() && li.signed() == ti.signed();
                }
                case PTR:
                    if (tk != BtfKind.PTR) {
                        return false;
                    }
                    behindPtr = true;
                    lid = ((BtfType.Ptr) lt).type();
                    tid = ((BtfType.Ptr) tt).type();
                    continue;
                case ARRAY: {
                    if (!(tt instanceof BtfType.Array ta)) {
                        return false;
                    }
                    BtfType.Array la = (BtfType.Array) lt;
                    if (la.nelems() != ta.nelems()) {
                        return false;
                    }
                    lid = la.elemType();
                    tid = ta.elemType();
                    continue;
                }
                case FUNC_PROTO: {
                    if (!(tt instanceof BtfType.FuncProto tp)) {
                        return false;
                    }
                    BtfType.FuncProto lp = (BtfType.FuncProto) lt;
                    if (lp.params().size() != tp.params().size()) {
                        return false;
                    }
                    for (int i = 0; i < lp.params().size(); i++) {
                        if (!typesMatch(lb, lp.params().get(i).type(), tb, tp.params().get(i).type(), behindPtr,
                                level - 1)) {
                            return false;
                        }
                    }
                    lid = lp.returnType();
                    tid = tp.returnType();
                    continue;
                }
                default:
                    return false;
            }
        }
        throw new CoreException("CO-RE: type chain deeper than " + MAX_DEPTH + " checking a type match");
    }

    private static boolean enumsMatch(BtfType.Enum local, BtfType.Enum target) {
        if (local.size() != target.size() || local.values().size() > target.values().size()) {
            return false;
        }
        for (BtfType.EnumValue lv : local.values()) {
            boolean found = false;
            for (BtfType.EnumValue tv : target.values()) {
                if (namesMatch(lv.name(), tv.name())) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    private static boolean compositesMatch(Btf lb, BtfType.Struct local, Btf tb, BtfType.Struct target,
                                           boolean behindPtr, int level) {
        if (local.members().size() > target.members().size()) {
            return false;
        }
        for (BtfType.Member lm : local.members()) {
            boolean found = false;
            for (BtfType.Member tm : target.members()) {
                if (namesMatch(lm.name(), tm.name())
                        && typesMatch(lb, lm.type(), tb, tm.type(), behindPtr, level - 1)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }
}
