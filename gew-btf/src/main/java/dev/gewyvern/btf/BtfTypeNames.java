package dev.gewyvern.btf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A type named the way a C programmer names it: {@code struct exec_event}, {@code union u},
 * {@code enum kind}, or a bare name ({@code exec_event}, {@code __u64}), which is looked for as a struct,
 * union, typedef, enum, integer and float, in that order.
 */
public final class BtfTypeNames {
    private static final BtfKind[] BARE = {BtfKind.STRUCT, BtfKind.UNION, BtfKind.TYPEDEF, BtfKind.ENUM,
            BtfKind.ENUM64, BtfKind.INT, BtfKind.FLOAT};

    private BtfTypeNames() {
    }

    /** The id of the type {@code spec} names; a name the BTF lacks is refused with the names it has. */
    public static int find(Btf btf, String spec) {
        String s = spec.trim().replaceAll("\\s+", " ");
        BtfKind[] kinds;
        String name;
        if (s.startsWith("struct ")) {
            kinds = new BtfKind[] {BtfKind.STRUCT};
            name = s.substring(7);
        } else if (s.startsWith("union ")) {
            kinds = new BtfKind[] {BtfKind.UNION};
            name = s.substring(6);
        } else if (s.startsWith("enum ")) {
            kinds = new BtfKind[] {BtfKind.ENUM, BtfKind.ENUM64};
            name = s.substring(5);
        } else {
            kinds = BARE;
            name = s;
        }
        if (name.isEmpty()) {
            throw new BtfException("'" + spec + "' names no type");
        }
        for (BtfKind k : kinds) {
            int id = btf.find(k, name);
            if (id > 0) {
                return id;
            }
        }
        throw new BtfException("this object's BTF has no type '" + spec + "'" + suggestions(btf, name));
    }

    /** Up to eight struct, union and typedef names that contain the name asked for, or all when it is short. */
    private static String suggestions(Btf btf, String name) {
        List<String> near = new ArrayList<>();
        List<String> all = new ArrayList<>();
        String low = name.toLowerCase(Locale.ROOT);
        for (int id = btf.firstTypeId(); id < btf.typeCount() && near.size() < 8; id++) {
            BtfKind k = btf.kind(id);
            if (k != BtfKind.STRUCT && k != BtfKind.UNION && k != BtfKind.TYPEDEF) {
                continue;
            }
            String n = btf.name(id);
            if (n.isEmpty()) {
                continue;
            }
            String shown = (k == BtfKind.STRUCT ? "struct " : k == BtfKind.UNION ? "union " : "") + n;
            if (n.toLowerCase(Locale.ROOT).contains(low) || low.contains(n.toLowerCase(Locale.ROOT))) {
                near.add(shown);
            }
            if (all.size() < 8 && k != BtfKind.TYPEDEF) {
                all.add(shown);
            }
        }
        List<String> show = near.isEmpty() ? all : near;
        return show.isEmpty() ? "" : " (it has " + String.join(", ", show) + (show.size() == 8 ? ", …" : "") + ")";
    }
}
