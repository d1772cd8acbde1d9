package dev.gewyvern.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The sanitizer leaves only kinds the kernel knows, keeps every id in place, and rewrites as libbpf does. */
class BtfSanitizerTest {
    static final Set<BtfKind> OPTIONAL = EnumSet.of(BtfKind.FUNC, BtfKind.FUNC_PROTO, BtfKind.VAR, BtfKind.DATASEC,
            BtfKind.FLOAT, BtfKind.DECL_TAG, BtfKind.TYPE_TAG, BtfKind.ENUM64);

    @Provide
    Arbitrary<List<BtfType>> graphs() {
        return BtfGraphs.graphs();
    }

    @Provide
    Arbitrary<Set<BtfKind>> known() {
        return Arbitraries.subsetOf(OPTIONAL).map(s -> {
            Set<BtfKind> k = EnumSet.complementOf(EnumSet.copyOf(OPTIONAL));
            k.addAll(s);
            return k;
        });
    }

    @Property(tries = 300)
    void onlyKnownKindsRemainAndIdsStay(@ForAll("graphs") List<BtfType> types, @ForAll("known") Set<BtfKind> known,
                                        @ForAll boolean globalFunctions) {
        List<BtfType> out = BtfSanitizer.sanitize(types, known, globalFunctions);
        assertTrue(out.size() == types.size() || out.size() == types.size() + 1);
        for (int i = 0; i < out.size(); i++) {
            BtfType t = out.get(i);
            assertTrue(known.contains(t.kind()), t.kind() + " survived sanitizing for " + known);
            if (i < types.size() && known.contains(types.get(i).kind()) && !(t instanceof BtfType.Func)
                    && !(t instanceof BtfType.Enum) && !retagged(types, out, i)) {
                assertEquals(types.get(i), t, "a known kind is left alone");
            }
            if (t instanceof BtfType.Func f && !globalFunctions) {
                assertEquals(0, f.linkage());
            }
            if (t instanceof BtfType.Enum e && !known.contains(BtfKind.ENUM64)) {
                assertTrue(!e.signed() && !e.wide());
            }
        }
        // and it still is BTF: it writes and parses back the same
        byte[] bytes = BtfWriter.write(out, ByteOrder.LITTLE_ENDIAN);
        assertEquals(out, BtfGraphs.all(Btf.parse(bytes)));
    }

    /** A DECL_TAG whose target changed kind is itself replaced. */
    private static boolean retagged(List<BtfType> in, List<BtfType> out, int i) {
        if (!(in.get(i) instanceof BtfType.DeclTag dt) || dt.type() < 1 || dt.type() > in.size()) {
            return false;
        }
        boolean changed = in.get(dt.type() - 1).kind() != out.get(dt.type() - 1).kind();
        if (changed) {
            assertEquals(new BtfType.Int("", 1, 0, 0, 8), out.get(i));
        }
        return changed;
    }

    @Test
    void everyKindKnownChangesNothing() {
        Btf btf = Btf.parse(TestBtf.btf("btfkinds.bpf.o"));
        List<BtfType> types = BtfGraphs.all(btf);
        assertEquals(types, BtfSanitizer.sanitize(types, EnumSet.allOf(BtfKind.class), true));
    }

    @Test
    void rewritesAsLibbpfDoes() {
        Btf btf = Btf.parse(TestBtf.btf("btfkinds.bpf.o"));
        List<BtfType> types = BtfGraphs.all(btf);
        List<BtfType> out = BtfSanitizer.sanitize(types, EnumSet.complementOf(EnumSet.copyOf(OPTIONAL)), false);
        int data = btf.find(BtfKind.DATASEC, ".data");
        BtfType.Struct sec = (BtfType.Struct) out.get(data - 1);
        assertEquals("_data", sec.name());
        assertEquals("all_kinds_data", sec.members().get(0).name());
        int var = btf.find(BtfKind.VAR, "limit");
        assertEquals(new BtfType.Int("limit", 1, 0, 0, 8), out.get(var - 1));
        int wide = btf.find(BtfKind.ENUM64, "wide64");
        BtfType.Struct union = (BtfType.Struct) out.get(wide - 1);
        assertTrue(union.union());
        assertEquals(8, union.size());
        assertEquals(new BtfType.Int("unsigned int", 4, 0, 0, 32), out.get(union.members().get(0).type() - 1));
        int tag = btf.find(BtfKind.TYPE_TAG, "user");
        assertEquals(new BtfType.Qualifier(BtfKind.CONST, ((BtfType.TypeTag) types.get(tag - 1)).type()), out.get(tag - 1));
        int helper = btf.find(BtfKind.FUNC, "helper");
        assertEquals(new BtfType.Typedef("helper", ((BtfType.Func) types.get(helper - 1)).type()), out.get(helper - 1));
        int dbl = btf.find(BtfKind.FLOAT, "double");
        assertEquals(new BtfType.Struct("", 8, false, false, List.of()), out.get(dbl - 1));
        BtfType.Enum signed = (BtfType.Enum) out.get(btf.find(BtfKind.ENUM, "small_signed") - 1);
        assertEquals(0xffff_ffffL, signed.values().get(0).value());
    }
}
