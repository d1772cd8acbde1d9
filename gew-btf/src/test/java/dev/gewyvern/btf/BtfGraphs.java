package dev.gewyvern.btf;

import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Random valid BTF type graphs: every kind, every field at its full range, references within the graph. */
final class BtfGraphs {
    private BtfGraphs() {
    }

    static Arbitrary<List<BtfType>> graphs() {
        return Arbitraries.integers().between(1, 40).flatMap(n -> type(n).list().ofSize(n));
    }

    private static Arbitrary<String> name() {
        return Arbitraries.oneOf(Arbitraries.just(""), Arbitraries.of("int", "task_struct", "next", "ü_ntf", "x"),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(12));
    }

    private static Arbitrary<Integer> ref(int n) {
        return Arbitraries.integers().between(0, n);
    }

    private static Arbitrary<BtfType> type(int n) {
        Arbitrary<Integer> anyInt = Arbitraries.integers();
        Arbitrary<BtfType.Member> plain = Combinators.combine(name(), ref(n), anyInt)
                .as((nm, t, off) -> new BtfType.Member(nm, t, off, 0));
        Arbitrary<BtfType.Member> bitfield = Combinators.combine(name(), ref(n),
                Arbitraries.integers().between(0, 0xffffff), Arbitraries.integers().between(0, 255))
                .as(BtfType.Member::new);
        Arbitrary<BtfType> struct = Combinators.combine(name(), anyInt, Arbitraries.of(true, false), Arbitraries.of(true, false))
                .flatAs((nm, size, union, kflag) -> (kflag ? bitfield : plain).list().ofMaxSize(6)
                        .map(ms -> new BtfType.Struct(nm, size, union, kflag, ms)));
        Arbitrary<BtfType> enum32 = Combinators.combine(name(), Arbitraries.of(1, 2, 4, 8), Arbitraries.of(true, false))
                .flatAs((nm, size, signed) -> Combinators.combine(name(),
                                signed ? Arbitraries.integers().map(Integer::longValue)
                                        : Arbitraries.longs().between(0, 0xffff_ffffL))
                        .as(BtfType.EnumValue::new).list().ofMaxSize(5)
                        .map(vs -> new BtfType.Enum(nm, size, signed, false, vs)));
        Arbitrary<BtfType> enum64 = Combinators.combine(name(), Arbitraries.of(1, 2, 4, 8), Arbitraries.of(true, false))
                .flatAs((nm, size, signed) -> Combinators.combine(name(), Arbitraries.longs())
                        .as(BtfType.EnumValue::new).list().ofMaxSize(5)
                        .map(vs -> new BtfType.Enum(nm, size, signed, true, vs)));
        Arbitrary<BtfType> proto = Combinators.combine(ref(n),
                Combinators.combine(name(), ref(n)).as(BtfType.Param::new).list().ofMaxSize(5))
                .as(BtfType.FuncProto::new);
        Arbitrary<BtfType> datasec = Combinators.combine(name(), anyInt,
                Combinators.combine(ref(n), anyInt, anyInt).as(BtfType.SecInfo::new).list().ofMaxSize(4))
                .as(BtfType.Datasec::new);
        return Arbitraries.oneOf(List.of(
                Combinators.combine(name(), anyInt, Arbitraries.integers().between(0, 15),
                        Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 255)).as(BtfType.Int::new),
                ref(n).map(BtfType.Ptr::new),
                Combinators.combine(ref(n), ref(n), anyInt).as(BtfType.Array::new),
                struct, enum32, enum64, proto, datasec,
                Combinators.combine(name(), Arbitraries.of(true, false)).as(BtfType.Fwd::new),
                Combinators.combine(name(), ref(n)).as(BtfType.Typedef::new),
                Combinators.combine(Arbitraries.of(BtfKind.CONST, BtfKind.VOLATILE, BtfKind.RESTRICT), ref(n))
                        .as(BtfType.Qualifier::new),
                Combinators.combine(name(), ref(n)).as(BtfType.TypeTag::new),
                Combinators.combine(name(), ref(n), Arbitraries.integers().between(0, 0xffff)).as(BtfType.Func::new),
                Combinators.combine(name(), ref(n), anyInt).as(BtfType.Var::new),
                Combinators.combine(name(), anyInt).as(BtfType.Float::new),
                Combinators.combine(name(), ref(n), Arbitraries.integers().between(-1, Integer.MAX_VALUE))
                        .as(BtfType.DeclTag::new)));
    }

    /** Every type of {@code btf} it defines itself, decoded. */
    static List<BtfType> all(Btf btf) {
        List<BtfType> out = new ArrayList<>();
        for (int id = btf.firstTypeId(); id < btf.typeCount(); id++) {
            out.add(btf.type(id));
        }
        return out;
    }
}
