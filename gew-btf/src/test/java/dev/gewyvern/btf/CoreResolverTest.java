package dev.gewyvern.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;

/** CO-RE cases worked out by hand: bitfields, arrays, signedness, type matches, malformed access strings, names. */
class CoreResolverTest {
    private static final BtfType U32 = new BtfType.Int("unsigned int", 4, 0, 0, 32);
    private static final BtfType S32 = new BtfType.Int("int", 4, 1, 0, 32);
    private static final BtfType U64 = new BtfType.Int("unsigned long long", 8, 0, 0, 64);

    private static Btf btf(BtfType... types) {
        return Btf.parse(BtfWriter.write(List.of(types), ByteOrder.LITTLE_ENDIAN));
    }

    private static CoreRelocationResult resolve(Btf local, Btf target, int id, String access, CoreReloKind kind) {
        return new CoreResolver(local, CoreCandidates.of("target", target)).resolve(id, access, kind);
    }

    @Test
    void essentialNamesDropOnlyTheLastFlavour() {
        assertEquals("task_struct", CoreNames.essential("task_struct___v58"));
        assertEquals("a___b", CoreNames.essential("a___b___c"));
        assertEquals("x____y", CoreNames.essential("x____y"));
        assertEquals("___x", CoreNames.essential("___x"));
        assertEquals("plain", CoreNames.essential("plain"));
    }

    @Test
    void aBitfieldMovedInTheTargetGetsShiftsForOneAlignedLoad() {
        // local: u32 a:3 @ bit 5; target: u32 pad; u32 a:7 @ bit 32 + 20
        Btf local = btf(U32, new BtfType.Struct("bits", 4, false, true, List.of(new BtfType.Member("a", 1, 5, 3))));
        Btf target = btf(U32, new BtfType.Struct("bits", 8, false, true, List.of(
                new BtfType.Member("pad", 1, 0, 0), new BtfType.Member("a", 1, 52, 7))));
        CoreRelocationResult off = resolve(local, target, 2, "0:0", CoreReloKind.FIELD_BYTE_OFFSET);
        CoreRelocationResult size = resolve(local, target, 2, "0:0", CoreReloKind.FIELD_BYTE_SIZE);
        CoreRelocationResult lshift = resolve(local, target, 2, "0:0", CoreReloKind.FIELD_LSHIFT_U64);
        CoreRelocationResult rshift = resolve(local, target, 2, "0:0", CoreReloKind.FIELD_RSHIFT_U64);
        assertEquals(4, off.targetValue());
        assertEquals(4, size.targetValue());
        assertEquals(64 - (52 + 7 - 32), lshift.targetValue());
        assertEquals(64 - 3 - 5, lshift.localValue());
        assertEquals(64 - 7, rshift.targetValue());
        assertEquals(64 - 3, rshift.localValue());
        assertFalse(off.validate(), "a bitfield's offset is not checked against the instruction");
        assertTrue(rshift.validate());
    }

    @Test
    void aBitfieldStraddlingItsWordIsReadWithAWiderLoad() {
        // a 10-bit field at bit 28 of a u32 crosses into the next word: an 8-byte load at offset 0
        Btf local = btf(U32, new BtfType.Struct("b", 8, false, true, List.of(new BtfType.Member("x", 1, 28, 10))));
        CoreRelocationResult size = resolve(local, local, 2, "0:0", CoreReloKind.FIELD_BYTE_SIZE);
        CoreRelocationResult off = resolve(local, local, 2, "0:0", CoreReloKind.FIELD_BYTE_OFFSET);
        assertEquals(8, size.targetValue());
        assertEquals(0, off.targetValue());
        assertEquals(64 - (28 + 10), resolve(local, local, 2, "0:0", CoreReloKind.FIELD_LSHIFT_U64).targetValue());
    }

    @Test
    void signednessFollowsTheTargetsFieldType() {
        Btf local = btf(U32, new BtfType.Struct("s", 4, false, false, List.of(new BtfType.Member("v", 1, 0, 0))));
        Btf target = btf(S32, new BtfType.Struct("s", 4, false, false, List.of(new BtfType.Member("v", 1, 0, 0))));
        CoreRelocationResult r = resolve(local, target, 2, "0:0", CoreReloKind.FIELD_SIGNED);
        assertEquals(0, r.localValue());
        assertEquals(1, r.targetValue());
    }

    @Test
    void arrayElementsAreRelocatedThroughTheElementsNewSize() {
        // local: struct { u32 arr[4]; }  target: struct { u64 pad; u64 arr[4]; }; access arr[2]
        Btf local = btf(U32, new BtfType.Array(1, 1, 4),
                new BtfType.Struct("a", 16, false, false, List.of(new BtfType.Member("arr", 2, 0, 0))));
        Btf target = btf(U64, new BtfType.Array(1, 1, 4),
                new BtfType.Struct("a", 40, false, false, List.of(new BtfType.Member("pad", 1, 0, 0),
                        new BtfType.Member("arr", 2, 64, 0))));
        CoreRelocationResult r = resolve(local, target, 3, "0:0:2", CoreReloKind.FIELD_BYTE_OFFSET);
        assertEquals(8, r.localValue());
        assertEquals(8 + 2 * 8, r.targetValue());
        assertEquals(8, resolve(local, target, 3, "0:0:2", CoreReloKind.FIELD_BYTE_SIZE).targetValue());
        // index 5 is past the target's 4 elements: no match
        Btf small = btf(U32, new BtfType.Array(1, 1, 8),
                new BtfType.Struct("a", 32, false, false, List.of(new BtfType.Member("arr", 2, 0, 0))));
        assertTrue(resolve(small, target, 3, "0:0:5", CoreReloKind.FIELD_BYTE_OFFSET).poison());
    }

    @Test
    void aFlexibleArrayTakesAnyIndex() {
        Btf b = btf(U32, new BtfType.Array(1, 1, 0), new BtfType.Struct("f", 4, false, false, List.of(
                new BtfType.Member("n", 1, 0, 0), new BtfType.Member("data", 2, 32, 0))));
        assertEquals(4 + 7 * 4, resolve(b, b, 3, "0:1:7", CoreReloKind.FIELD_BYTE_OFFSET).targetValue());
    }

    @Test
    void typeMatchesIsStricterThanTypeExists() {
        Btf local = btf(U32, new BtfType.Struct("m", 4, false, false, List.of(new BtfType.Member("v", 1, 0, 0))));
        Btf sameShape = btf(U32, new BtfType.Struct("m", 8, false, false, List.of(
                new BtfType.Member("w", 1, 0, 0), new BtfType.Member("v", 1, 32, 0))));
        Btf otherField = btf(S32, new BtfType.Struct("m", 4, false, false, List.of(new BtfType.Member("v", 1, 0, 0))));
        assertEquals(1, resolve(local, sameShape, 2, "0", CoreReloKind.TYPE_MATCHES).targetValue());
        assertEquals(0, resolve(local, otherField, 2, "0", CoreReloKind.TYPE_MATCHES).targetValue(),
                "a member whose int changed signedness does not match");
        assertEquals(1, resolve(local, otherField, 2, "0", CoreReloKind.TYPE_EXISTS).targetValue());
    }

    @Test
    void typeIdLocalIsTheObjectsOwnIdAndNeedsNoTarget() {
        Btf local = btf(U32, new BtfType.Struct("m", 4, false, false, List.of(new BtfType.Member("v", 1, 0, 0))));
        CoreRelocationResult r = resolve(local, btf(S32), 2, "0", CoreReloKind.TYPE_ID_LOCAL);
        assertEquals(2, r.targetValue());
        assertFalse(r.validate());
    }

    @Test
    void malformedAccessStringsAndAnonymousTypesAreErrorsThatSayWhy() {
        Btf b = btf(U32, new BtfType.Struct("m", 4, false, false, List.of(new BtfType.Member("v", 1, 0, 0))),
                new BtfType.Struct("", 4, false, false, List.of(new BtfType.Member("v", 1, 0, 0))));
        assertTrue(assertThrows(CoreException.class, () -> resolve(b, b, 2, "0:3", CoreReloKind.FIELD_BYTE_OFFSET))
                .getMessage().contains("no member #3"));
        assertTrue(assertThrows(CoreException.class, () -> resolve(b, b, 2, "0:x", CoreReloKind.FIELD_BYTE_OFFSET))
                .getMessage().contains("not an index"));
        assertTrue(assertThrows(CoreException.class, () -> resolve(b, b, 2, "0:0", CoreReloKind.TYPE_SIZE))
                .getMessage().contains("must be \"0\""));
        assertTrue(assertThrows(CoreException.class, () -> resolve(b, b, 3, "0:0", CoreReloKind.FIELD_BYTE_OFFSET))
                .getMessage().contains("anonymous"));
    }

    @Test
    void fieldsAreFoundThroughAnonymousUnionsAndTheSpecSaysWhere() {
        Btf local = btf(U32, new BtfType.Struct("t", 4, false, false, List.of(new BtfType.Member("pid", 1, 0, 0))));
        Btf target = btf(U32, new BtfType.Struct("", 4, true, false, List.of(new BtfType.Member("pid", 1, 0, 0))),
                new BtfType.Struct("t___new", 12, false, false, List.of(new BtfType.Member("a", 1, 0, 0),
                        new BtfType.Member("", 2, 64, 0))));
        CoreRelocationResult r = resolve(local, target, 2, "0:0", CoreReloKind.FIELD_BYTE_OFFSET);
        assertEquals(8, r.targetValue());
        assertEquals("struct t___new.pid (0:1:0 @ offset 8)", r.target().orElseThrow().describe());
        assertEquals("struct t.pid (0:0 @ offset 0)", r.local().describe());
    }

    @Test
    void moduleBtfIsSearchedOnlyWhenVmlinuxHasNoCandidate() {
        // vmlinux: int, struct task_struct { int pid; }; module (split over it): struct nf_conn { int pad; int mark; }
        Btf vmlinux = btf(S32, new BtfType.Struct("task_struct", 4, false, false, List.of(
                new BtfType.Member("pid", 1, 0, 0))));
        Btf module = Btf.parse(java.nio.ByteBuffer.wrap(BtfWriter.write(List.of(new BtfType.Struct("nf_conn", 8, false,
                false, List.of(new BtfType.Member("pad", 1, 0, 0), new BtfType.Member("mark", 1, 32, 0)))),
                ByteOrder.LITTLE_ENDIAN, vmlinux)), vmlinux);
        int[] loads = {0};
        CoreCandidates cands = new CoreCandidates(new CoreCandidates.Source("vmlinux", vmlinux), () -> {
            loads[0]++;
            return List.of(new CoreCandidates.Source("nf_conntrack", module));
        });
        Btf local = btf(S32, new BtfType.Struct("nf_conn___local", 4, false, false, List.of(
                new BtfType.Member("mark", 1, 0, 0))), new BtfType.Struct("task_struct", 4, false, false, List.of(
                new BtfType.Member("pid", 1, 0, 0))));
        CoreResolver r = new CoreResolver(local, cands);
        assertEquals(0, r.resolve(3, "0:0", CoreReloKind.FIELD_BYTE_OFFSET).targetValue());
        assertEquals(0, loads[0], "vmlinux had task_struct: modules are not read");
        CoreRelocationResult mark = r.resolve(2, "0:0", CoreReloKind.FIELD_BYTE_OFFSET);
        assertEquals(4, mark.targetValue());
        assertEquals(1, loads[0]);
        assertEquals(module, mark.target().orElseThrow().btf());
        assertEquals(3, r.resolve(2, "0", CoreReloKind.TYPE_ID_TARGET).targetValue(), "the module's own type id");
    }

    @Test
    void relocationsNarrowCandidatesInTheObjectsOrderWhicheverProgramLoadsFirst() {
        // target: two flavours of s, one with x, one with y. Local s has both. In .BTF.ext order x comes
        // first: it matches s___a only, which narrows s's candidates to s___a, so y then finds nothing
        // (libbpf's result), even when the program using y is the one loaded first.
        Btf local = btf(S32, new BtfType.Struct("s", 8, false, false, List.of(new BtfType.Member("x", 1, 0, 0),
                new BtfType.Member("y", 1, 32, 0))),
                // named only to put these strings into the BTF: the section and the two access strings
                new BtfType.Fwd("code", false), new BtfType.Fwd("0:0", false), new BtfType.Fwd("0:1", false));
        Btf target = btf(S32, new BtfType.Struct("s___a", 4, false, false, List.of(new BtfType.Member("x", 1, 0, 0))),
                new BtfType.Struct("s___b", 8, false, false, List.of(new BtfType.Member("y", 1, 32, 0))));
        java.nio.ByteBuffer ext = java.nio.ByteBuffer.allocate(32 + 4 + 8 + 2 * 16).order(ByteOrder.LITTLE_ENDIAN);
        ext.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(32);
        ext.putInt(0).putInt(0).putInt(0).putInt(0).putInt(0).putInt(4 + 8 + 2 * 16);
        ext.putInt(16).putInt(local.nameOffset(3)).putInt(2);
        ext.putInt(0).putInt(2).putInt(local.nameOffset(4)).putInt(CoreReloKind.FIELD_BYTE_OFFSET.number());
        ext.putInt(8).putInt(2).putInt(local.nameOffset(5)).putInt(CoreReloKind.FIELD_BYTE_OFFSET.number());
        BtfExt parsed = BtfExt.parse(ext.array(), local);
        CoreResolver r = new CoreResolver(local, CoreCandidates.of("t", target));
        r.resolveAll(parsed);
        CoreRelocationResult y = r.resolve("code", 8, 2, "0:1", CoreReloKind.FIELD_BYTE_OFFSET);
        CoreRelocationResult x = r.resolve("code", 0, 2, "0:0", CoreReloKind.FIELD_BYTE_OFFSET);
        assertTrue(y.poison(), "y after x: only s___a is left, which has no y");
        assertEquals(0, x.targetValue());
        // without the object's order, resolving y first would have found it in s___b
        CoreResolver fresh = new CoreResolver(local, CoreCandidates.of("t", target));
        assertEquals(4, fresh.resolve("code", 8, 2, "0:1", CoreReloKind.FIELD_BYTE_OFFSET).targetValue());
    }
}
