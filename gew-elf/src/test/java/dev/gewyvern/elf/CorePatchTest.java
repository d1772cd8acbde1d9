package dev.gewyvern.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.gewyvern.btf.CoreReloKind;
import dev.gewyvern.btf.CoreRelocationResult;
import org.junit.jupiter.api.Test;

/** Every instruction form CO-RE patches, as libbpf patches it: values checked first, sizes changed, poison. */
class CorePatchTest {
    private static final Insn POISON = new Insn(Insn.CALL, 0, 0, 0, 0xbad2310);

    private static CoreRelocationResult result(long local, long target, boolean validate, int localSize,
                                               int targetSize, boolean poison, boolean resizeUnsafe) {
        return new CoreRelocationResult(CoreReloKind.FIELD_BYTE_OFFSET, null, Optional.empty(), local, target, validate,
                localSize, targetSize, poison, resizeUnsafe, "");
    }

    private static List<Insn> insns(Insn... i) {
        return new ArrayList<>(List.of(i));
    }

    @Test
    void aluImmediatesTakeTheTargetValueAfterTheLocalOneIsChecked() {
        List<Insn> p = insns(new Insn(0xb7, 1, 0, 0, 16)); // r1 = 16
        assertFalse(CorePatch.apply(p, 0, result(16, 1268, true, 0, 0, false, false), "t"));
        assertEquals(new Insn(0xb7, 1, 0, 0, 1268), p.get(0));
        List<Insn> add = insns(new Insn(0x07, 1, 0, 0, 8)); // r1 += 8
        ElfException e = assertThrows(ElfException.class,
                () -> CorePatch.apply(add, 0, result(16, 24, true, 0, 0, false, false), "relo #0"));
        assertTrue(e.getMessage().contains("is 8, not the 16"), e.getMessage());
        CorePatch.apply(add, 0, result(16, 24, false, 0, 0, false, false), "unchecked");
        assertEquals(24, add.get(0).imm());
        List<Insn> reg = insns(new Insn(0x0f, 1, 2, 0, 0)); // r1 += r2
        assertThrows(ElfException.class, () -> CorePatch.apply(reg, 0, result(0, 4, true, 0, 0, false, false), "r"));
    }

    @Test
    void loadsAndStoresTakeTheNewOffsetAndASafelyResizedWidth() {
        List<Insn> p = insns(new Insn(0x61, 0, 1, 4, 0)); // r0 = *(u32 *)(r1 + 4)
        CorePatch.apply(p, 0, result(4, 40, true, 4, 8, false, false), "t");
        assertEquals(new Insn(0x79, 0, 1, 40, 0), p.get(0), "u32 load becomes a u64 load at 40");
        List<Insn> st = insns(new Insn(0x62, 1, 0, 8, 7)); // *(u32 *)(r1 + 8) = 7
        CorePatch.apply(st, 0, result(8, 12, true, 4, 4, false, false), "t");
        assertEquals(new Insn(0x62, 1, 0, 12, 7), st.get(0));
        List<Insn> stx = insns(new Insn(0x73, 1, 2, 0, 0)); // *(u8 *)(r1 + 0) = r2
        CorePatch.apply(stx, 0, result(0, 3, true, 1, 2, false, false), "t");
        assertEquals(new Insn(0x6b, 1, 2, 3, 0), stx.get(0), "u8 store becomes a u16 store at 3");
        List<Insn> signed = insns(new Insn(0x61, 0, 1, 4, 0));
        assertTrue(CorePatch.apply(signed, 0, result(4, 8, true, 4, 8, false, true), "t"), "unsafe resize poisons");
        assertEquals(POISON, signed.get(0));
        List<Insn> far = insns(new Insn(0x61, 0, 1, 4, 0));
        assertTrue(assertThrows(ElfException.class, () -> CorePatch.apply(far, 0,
                result(4, 40000, true, 4, 4, false, false), "t")).getMessage().contains("16-bit"));
        List<Insn> width = insns(new Insn(0x69, 0, 1, 4, 0)); // a u16 load where the local field is 4 bytes
        assertThrows(ElfException.class, () -> CorePatch.apply(width, 0, result(4, 8, true, 4, 8, false, false), "t"));
    }

    @Test
    void sixtyFourBitImmediatesAreSplitOverBothSlots() {
        List<Insn> p = insns(new Insn(Insn.LD_IMM64, 1, 0, 0, 5), new Insn(0, 0, 0, 0, 0), new Insn(Insn.EXIT, 0, 0, 0, 0));
        CorePatch.apply(p, 0, result(5, 0x1_0000_0002L, true, 0, 0, false, false), "t");
        assertEquals(2, p.get(0).imm());
        assertEquals(1, p.get(1).imm());
        List<Insn> mapRef = insns(new Insn(Insn.LD_IMM64, 1, Insn.PSEUDO_MAP_FD, 0, 5), new Insn(0, 0, 0, 0, 0));
        assertThrows(ElfException.class, () -> CorePatch.apply(mapRef, 0, result(5, 6, true, 0, 0, false, false), "t"));
    }

    @Test
    void poisonReplacesTheInstructionAndAnLdImm64sSecondSlotToo() {
        List<Insn> p = insns(new Insn(Insn.LD_IMM64, 1, 0, 0, 5), new Insn(0, 0, 0, 0, 0), new Insn(Insn.EXIT, 0, 0, 0, 0));
        assertTrue(CorePatch.apply(p, 0, result(5, 0, true, 0, 0, true, false), "t"));
        assertEquals(List.of(POISON, POISON, new Insn(Insn.EXIT, 0, 0, 0, 0)), p);
        List<Insn> alu = insns(new Insn(0xb7, 1, 0, 0, 16));
        assertTrue(CorePatch.apply(alu, 0, result(16, 0, true, 0, 0, true, false), "t"));
        assertEquals(POISON, alu.get(0));
        List<Insn> resize = insns(new Insn(0xb7, 1, 0, 0, 16));
        assertFalse(CorePatch.apply(resize, 0, result(16, 24, true, 4, 8, false, true), "t"),
                "an unsafe resize only matters to loads and stores");
        assertEquals(24, resize.get(0).imm());
    }
}
