package dev.gewyvern.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * CO-RE over generated local/target type pairs: a struct's fields moved, padded, resized, removed,
 * wrapped in anonymous structs and unions; an enum's values changed and removed. Whatever the
 * layout, a relocation finds the field where the target has it and a missing one never gets an
 * offset.
 */
class CorePropertiesTest {
    /** Type ids 1-4: unsigned ints of 1, 2, 4, 8 bytes; 5-8 the signed ones. */
    private static final List<BtfType> INTS = List.of(
            new BtfType.Int("unsigned char", 1, 0, 0, 8), new BtfType.Int("unsigned short", 2, 0, 0, 16),
            new BtfType.Int("unsigned int", 4, 0, 0, 32), new BtfType.Int("unsigned long", 8, 0, 0, 64),
            new BtfType.Int("signed char", 1, 1, 0, 8), new BtfType.Int("short", 2, 1, 0, 16),
            new BtfType.Int("int", 4, 1, 0, 32), new BtfType.Int("long", 8, 1, 0, 64));
    private static final int STRUCT = 9;

    /** One target field: the local field it is, its size (an int type id) and the gap before it. */
    record Field(int local, int type, int gap, int wrap) {}

    record Layout(List<Integer> localTypes, List<Field> target) {}

    @Provide
    Arbitrary<Layout> layouts() {
        return Arbitraries.integers().between(1, 4).list().ofMinSize(1).ofMaxSize(10).flatMap(local -> {
            int n = local.size();
            Arbitrary<List<Integer>> order = Arbitraries.shuffle(range(n));
            Arbitrary<List<Boolean>> kept = Arbitraries.of(true, true, true, false).list().ofSize(n);
            Arbitrary<List<Integer>> sizes = Arbitraries.integers().between(1, 4).list().ofSize(n);
            Arbitrary<List<Integer>> gaps = Arbitraries.integers().between(0, 3).list().ofSize(n);
            Arbitrary<List<Integer>> wraps = Arbitraries.integers().between(0, 3).list().ofSize(n);
            Arbitrary<List<Boolean>> resized = Arbitraries.of(false, false, true).list().ofSize(n);
            return Combinators.combine(order, kept, sizes, gaps, wraps, resized).as((o, k, s, g, w, r) -> {
                List<Field> fields = new ArrayList<>();
                for (int i : o) {
                    if (k.get(i)) {
                        fields.add(new Field(i, r.get(i) ? s.get(i) : local.get(i), g.get(i), w.get(i)));
                    }
                }
                return new Layout(local, fields);
            });
        });
    }

    private static List<Integer> range(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    private static int size(int intType) {
        return ((BtfType.Int) INTS.get(intType - 1)).size();
    }

    /** The local struct: fields f0.. at naturally aligned offsets. Returns its offsets. */
    private static long[] localStruct(List<BtfType> types, List<Integer> fieldTypes) {
        List<BtfType.Member> ms = new ArrayList<>();
        long[] offsets = new long[fieldTypes.size()];
        int off = 0;
        for (int i = 0; i < fieldTypes.size(); i++) {
            int sz = size(fieldTypes.get(i));
            off = (off + sz - 1) / sz * sz;
            offsets[i] = off;
            ms.add(new BtfType.Member("f" + i, fieldTypes.get(i), off * 8, 0));
            off += sz;
        }
        types.add(new BtfType.Struct("sample", off, false, false, ms));
        return offsets;
    }

    /**
     * The target struct {@code sample___v2}: each field after its gap, aligned; a field with
     * {@code wrap} 1 sits alone in an anonymous struct, 2 in an anonymous union, 3 two levels deep.
     * Returns each local field's target offset (-1: removed).
     */
    private static long[] targetStruct(List<BtfType> types, Layout l) {
        long[] offsets = new long[l.localTypes().size()];
        java.util.Arrays.fill(offsets, -1);
        List<BtfType.Member> ms = new ArrayList<>();
        int off = 0;
        for (Field f : l.target()) {
            int sz = size(f.type());
            off += f.gap();
            off = (off + sz - 1) / sz * sz;
            offsets[f.local()] = off;
            BtfType.Member inner = new BtfType.Member("f" + f.local(), f.type(), 0, 0);
            if (f.wrap() == 0) {
                ms.add(new BtfType.Member("f" + f.local(), f.type(), off * 8, 0));
            } else {
                types.add(new BtfType.Struct("", sz, f.wrap() == 2, false, List.of(inner)));
                int id = types.size();
                if (f.wrap() == 3) {
                    types.add(new BtfType.Struct("", sz, true, false, List.of(new BtfType.Member("", id, 0, 0))));
                    id = types.size();
                }
                ms.add(new BtfType.Member("", id, off * 8, 0));
            }
            off += sz;
        }
        types.add(new BtfType.Struct("sample___v2", off, false, false, ms));
        return offsets;
    }

    private static Btf btf(List<BtfType> types) {
        return Btf.parse(BtfWriter.write(types, ByteOrder.LITTLE_ENDIAN));
    }

    @Property(tries = 300)
    void aMovedFieldIsFoundAtItsNewOffsetAndARemovedOneNeverGetsAnOffset(@ForAll("layouts") Layout l) {
        List<BtfType> lt = new ArrayList<>(INTS);
        long[] localOffsets = localStruct(lt, l.localTypes());
        List<BtfType> tt = new ArrayList<>(INTS);
        long[] targetOffsets = targetStruct(tt, l);
        Btf local = btf(lt);
        Btf target = btf(tt);
        CoreResolver r = new CoreResolver(local, CoreCandidates.of("target", target));
        for (int k = 0; k < l.localTypes().size(); k++) {
            int i = k;
            String access = "0:" + i;
            CoreRelocationResult off = r.resolve(STRUCT, access, CoreReloKind.FIELD_BYTE_OFFSET);
            CoreRelocationResult exists = r.resolve(STRUCT, access, CoreReloKind.FIELD_EXISTS);
            CoreRelocationResult size = r.resolve(STRUCT, access, CoreReloKind.FIELD_BYTE_SIZE);
            assertEquals(localOffsets[i], off.localValue());
            if (targetOffsets[i] < 0) {
                assertTrue(off.poison(), "removed field f" + i + " must poison, got " + off);
                assertTrue(size.poison());
                assertEquals(0, exists.targetValue());
                assertTrue(off.target().isEmpty());
            } else {
                assertFalse(off.poison(), () -> "f" + i + ": " + off.reason());
                assertEquals(targetOffsets[i], off.targetValue(), "offset of f" + i);
                assertEquals(1, exists.targetValue());
                int targetType = l.target().stream().filter(f -> f.local() == i).findFirst().orElseThrow().type();
                assertEquals(size(targetType), size.targetValue());
                assertFalse(off.resizeUnsafe(), "unsigned ints resize safely");
            }
        }
    }

    @Property(tries = 200)
    void aSignedFieldThatChangedSizeIsNotResizedButPoisonedForLoads(@ForAll("sizes") int localSize,
                                                                      @ForAll("sizes") int targetSize) {
        List<BtfType> lt = new ArrayList<>(INTS);
        lt.add(new BtfType.Struct("s", 8, false, false, List.of(new BtfType.Member("v", 4 + localSize, 0, 0))));
        List<BtfType> tt = new ArrayList<>(INTS);
        tt.add(new BtfType.Struct("s", 8, false, false, List.of(new BtfType.Member("v", 4 + targetSize, 0, 0))));
        CoreRelocationResult r = new CoreResolver(btf(lt), CoreCandidates.of("t", btf(tt)))
                .resolve(STRUCT, "0:0", CoreReloKind.FIELD_BYTE_OFFSET);
        assertFalse(r.poison());
        assertEquals(localSize != targetSize, r.resizeUnsafe());
        assertEquals(size(localSize), r.localSize());
        assertEquals(size(targetSize), r.targetSize());
    }

    @Provide
    Arbitrary<Integer> sizes() {
        return Arbitraries.integers().between(1, 4);
    }

    record EnumCase(List<Long> target, List<Boolean> kept, boolean wide) {}

    @Provide
    Arbitrary<EnumCase> enums() {
        return Arbitraries.integers().between(1, 8).flatMap(n -> Combinators.combine(
                Arbitraries.integers().map(Integer::longValue).list().ofSize(n),
                Arbitraries.of(true, true, false).list().ofSize(n), Arbitraries.of(true, false))
                .as(EnumCase::new));
    }

    @Property(tries = 200)
    void anEnumeratorTakesTheTargetsValueOrDoesNotExist(@ForAll("enums") EnumCase c) {
        int n = c.target().size();
        List<BtfType.EnumValue> local = new ArrayList<>();
        List<BtfType.EnumValue> target = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            local.add(new BtfType.EnumValue("E_" + i, i));
        }
        for (int i = n - 1; i >= 0; i--) {
            if (c.kept().get(i)) {
                target.add(new BtfType.EnumValue("E_" + i + "___renamed", c.target().get(i)));
            }
        }
        Btf lb = btf(List.of(new BtfType.Enum("colour", 4, true, false, local)));
        Btf tb = btf(List.of(new BtfType.Enum("colour", c.wide() ? 8 : 4, true, c.wide(), target)));
        CoreResolver r = new CoreResolver(lb, CoreCandidates.of("t", tb));
        for (int i = 0; i < n; i++) {
            CoreRelocationResult exists = r.resolve(1, Integer.toString(i), CoreReloKind.ENUMVAL_EXISTS);
            CoreRelocationResult value = r.resolve(1, Integer.toString(i), CoreReloKind.ENUMVAL_VALUE);
            assertEquals(i, value.localValue());
            if (c.kept().get(i)) {
                assertEquals(1, exists.targetValue());
                assertEquals((long) c.target().get(i), value.targetValue());
            } else {
                assertEquals(0, exists.targetValue());
                assertTrue(value.poison());
            }
        }
    }

    @Property(tries = 100)
    void typeRelocationsSeeTheTargetsTypeOrNone(@ForAll("layouts") Layout l, @ForAll boolean present) {
        List<BtfType> lt = new ArrayList<>(INTS);
        localStruct(lt, l.localTypes());
        List<BtfType> tt = new ArrayList<>(INTS);
        if (present) {
            targetStruct(tt, l);
        }
        Btf target = btf(tt);
        CoreResolver r = new CoreResolver(btf(lt), CoreCandidates.of("t", target));
        CoreRelocationResult exists = r.resolve(STRUCT, "0", CoreReloKind.TYPE_EXISTS);
        CoreRelocationResult size = r.resolve(STRUCT, "0", CoreReloKind.TYPE_SIZE);
        CoreRelocationResult id = r.resolve(STRUCT, "0", CoreReloKind.TYPE_ID_TARGET);
        assertEquals(present ? 1 : 0, exists.targetValue());
        if (present) {
            int targetId = target.find(BtfKind.STRUCT, "sample___v2");
            assertEquals(target.sizeOf(targetId), size.targetValue());
            assertEquals(targetId, id.targetValue());
        } else {
            assertEquals(0, size.targetValue());
            assertEquals(0, id.targetValue());
        }
        assertFalse(exists.poison() || size.poison() || id.poison());
    }

    @Property(tries = 100)
    void twoFlavoursThatPutAFieldAtDifferentOffsetsAreAnError(@ForAll("gaps") int gap) {
        List<BtfType> lt = new ArrayList<>(INTS);
        lt.add(new BtfType.Struct("sample", 4, false, false, List.of(new BtfType.Member("x", 3, 0, 0))));
        List<BtfType> tt = new ArrayList<>(INTS);
        tt.add(new BtfType.Struct("sample___a", 4, false, false, List.of(new BtfType.Member("x", 3, 0, 0))));
        tt.add(new BtfType.Struct("sample___b", 4 + gap, false, false, List.of(new BtfType.Member("x", 3, gap * 8, 0))));
        CoreResolver r = new CoreResolver(btf(lt), CoreCandidates.of("t", btf(tt)));
        if (gap == 0) {
            assertEquals(0, r.resolve(STRUCT, "0:0", CoreReloKind.FIELD_BYTE_OFFSET).targetValue());
        } else {
            CoreException e = assertThrows(CoreException.class,
                    () -> r.resolve(STRUCT, "0:0", CoreReloKind.FIELD_BYTE_OFFSET));
            assertTrue(e.getMessage().contains("ambiguous"), e.getMessage());
        }
    }

    @Provide
    Arbitrary<Integer> gaps() {
        return Arbitraries.of(0, 4, 8, 12);
    }
}
