package dev.gewyvern.btf;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rewrites types an older kernel's BPF_BTF_LOAD would refuse into equivalents it knows, the way
 * libbpf sanitizes an object's BTF. Ids stay where they are (ENUM64 may append one INT at the end),
 * so line_info, func_info and map BTF ids still point at the same types. Which kinds a kernel knows
 * is a parameter (the capability probes provide it).
 *
 * <table>
 * <caption>the rewrites</caption>
 * <tr><td>VAR</td><td>INT of 1 byte, same name</td></tr>
 * <tr><td>DATASEC</td><td>STRUCT of the same size, one member per variable ('.' and '?' in the name become '_')</td></tr>
 * <tr><td>FUNC_PROTO</td><td>ENUM: one enumerator per parameter (its name, argN when it has none; its type id as
 * the value)</td></tr>
 * <tr><td>FUNC</td><td>TYPEDEF of the same type; without global functions only, its linkage becomes static</td></tr>
 * <tr><td>FLOAT</td><td>anonymous STRUCT of the same size, no members</td></tr>
 * <tr><td>DECL_TAG</td><td>anonymous 1-byte INT (also when the type it tags was rewritten)</td></tr>
 * <tr><td>TYPE_TAG</td><td>CONST of the same type</td></tr>
 * <tr><td>ENUM64</td><td>UNION of the same size, one 'unsigned int' member per enumerator; signed ENUMs lose the flag</td></tr>
 * </table>
 */
public final class BtfSanitizer {
    private BtfSanitizer() {
    }

    /**
     * Types ids 1..n in, the same ids out, using only {@code known} kinds (INT, PTR, ARRAY, STRUCT,
     * UNION, ENUM, FWD, TYPEDEF and the qualifiers are assumed: every BTF-capable kernel has them).
     * {@code globalFunctions} is whether the kernel accepts FUNC linkage global/extern (5.6+).
     */
    public static List<BtfType> sanitize(List<? extends BtfType> types, Set<BtfKind> known, boolean globalFunctions) {
        List<BtfType> out = new ArrayList<>(types.size() + 1);
        int unsignedInt = -1;
        for (BtfType t : types) {
            BtfKind k = t.kind();
            if (t instanceof BtfType.Var v && !known.contains(BtfKind.VAR)) {
                out.add(new BtfType.Int(v.name(), 1, 0, 0, 8));
            } else if (t instanceof BtfType.Datasec d && !known.contains(BtfKind.DATASEC)) {
                List<BtfType.Member> members = new ArrayList<>(d.vars().size());
                for (BtfType.SecInfo s : d.vars()) {
                    int vi = s.type() - 1;
                    String name = vi >= 0 && vi < types.size() ? types.get(vi).name() : "";
                    members.add(new BtfType.Member(name, s.type(), s.offset() * 8, 0));
                }
                out.add(new BtfType.Struct(d.name().replace('.', '_').replace('?', '_'), d.size(), false, false, members));
            } else if (t instanceof BtfType.FuncProto fp && !known.contains(BtfKind.FUNC_PROTO)) {
                List<BtfType.EnumValue> values = new ArrayList<>(fp.params().size());
                for (int i = 0; i < fp.params().size(); i++) {
                    BtfType.Param p = fp.params().get(i);
                    // the kernel's checker wants every enumerator named; prototypes often leave them anonymous
                    String name = p.name().isEmpty() ? "arg" + i : p.name();
                    values.add(new BtfType.EnumValue(name, Integer.toUnsignedLong(p.type())));
                }
                out.add(new BtfType.Enum("", 4, false, false, values));
            } else if (t instanceof BtfType.Func f && !known.contains(BtfKind.FUNC)) {
                out.add(new BtfType.Typedef(f.name(), f.type()));
            } else if (t instanceof BtfType.Func f && !globalFunctions && f.linkage() != 0) {
                out.add(new BtfType.Func(f.name(), f.type(), 0));
            } else if (t instanceof BtfType.Float f && !known.contains(BtfKind.FLOAT)) {
                out.add(new BtfType.Struct("", f.size(), false, false, List.of()));
            } else if (k == BtfKind.DECL_TAG && !known.contains(BtfKind.DECL_TAG)) {
                out.add(new BtfType.Int("", 1, 0, 0, 8));
            } else if (t instanceof BtfType.TypeTag tt && !known.contains(BtfKind.TYPE_TAG)) {
                out.add(new BtfType.Qualifier(BtfKind.CONST, tt.type()));
            } else if (t instanceof BtfType.Enum e && e.wide() && !known.contains(BtfKind.ENUM64)) {
                if (unsignedInt < 0) {
                    unsignedInt = types.size() + 1;
                }
                List<BtfType.Member> members = new ArrayList<>(e.values().size());
                for (BtfType.EnumValue v : e.values()) {
                    members.add(new BtfType.Member(v.name(), unsignedInt, 0, 0));
                }
                out.add(new BtfType.Struct(e.name(), e.size(), true, false, members));
            } else if (t instanceof BtfType.Enum e && e.signed() && !known.contains(BtfKind.ENUM64)) {
                out.add(new BtfType.Enum(e.name(), e.size(), false, false, e.values().stream()
                        .map(v -> new BtfType.EnumValue(v.name(), v.value() & 0xffff_ffffL)).toList()));
            } else {
                out.add(t);
            }
        }
        // a tag whose target was rewritten (a FUNC now a TYPEDEF, a VAR now an INT) no longer fits it; as
        // that rewrites the tag, a tag on that tag follows, so repeat until nothing changes
        for (boolean changed = true; changed; ) {
            changed = false;
            for (int i = 0; i < types.size(); i++) {
                if (out.get(i) instanceof BtfType.DeclTag dt) {
                    int target = dt.type() - 1;
                    if (target >= 0 && target < types.size() && out.get(target).kind() != types.get(target).kind()) {
                        out.set(i, new BtfType.Int("", 1, 0, 0, 8));
                        changed = true;
                    }
                }
            }
        }
        if (unsignedInt > 0) {
            out.add(new BtfType.Int("unsigned int", 4, 0, 0, 32));
        }
        return out;
    }
}
