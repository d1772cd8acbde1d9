package dev.gewyvern.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class InsnTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void decodesBothByteOrders() {
        // *(u64 *)(r10 - 0x8) = r1, as llvm-objdump-19 shows it in execcount.bpf.o and its bpfeb twin
        Insn le = Insn.decode(HEX.parseHex("7b1af8ff00000000"), 0, ByteOrder.LITTLE_ENDIAN);
        Insn be = Insn.decode(HEX.parseHex("7ba1fff800000000"), 0, ByteOrder.BIG_ENDIAN);
        assertEquals(new Insn(0x7b, 10, 1, -8, 0), le);
        assertEquals(le, be);
        // r6 += -0x10
        assertEquals(new Insn(0x07, 6, 0, 0, -16), Insn.decode(HEX.parseHex("07060000f0ffffff"), 0, ByteOrder.LITTLE_ENDIAN));
        assertEquals(new Insn(0x07, 6, 0, 0, -16), Insn.decode(HEX.parseHex("07600000fffffff0"), 0, ByteOrder.BIG_ENDIAN));
        assertArrayEquals(HEX.parseHex("7ba1fff800000000"), le.encode(ByteOrder.BIG_ENDIAN));
    }

    @Test
    void rejectsPartialInstructions() {
        assertThrows(ElfException.class, () -> Insn.decodeAll(new byte[12], ByteOrder.LITTLE_ENDIAN));
        assertThrows(ElfException.class, () -> Insn.decode(new byte[8], 4, ByteOrder.LITTLE_ENDIAN));
        assertThrows(IllegalArgumentException.class, () -> new Insn(0x100, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Insn(0, 16, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Insn(0, 0, 0, 40000, 0));
    }

    @Test
    void disassemblesLikeTheVerifier() {
        assertEquals("r1 = *(u64 *)(r10 -8)", new Insn(0x79, 1, 10, -8, 0).toString());
        assertEquals("*(u64 *)(r10 -8) = r1", new Insn(0x7b, 10, 1, -8, 0).toString());
        assertEquals("*(u32 *)(r10 -4) = 7", new Insn(0x62, 10, 0, -4, 7).toString());
        assertEquals("r1 = *(s16 *)(r2 +6)", new Insn(0x89, 1, 2, 6, 0).toString());
        assertEquals("call bpf_map_lookup_elem#1", new Insn(0x85, 0, 0, 0, 1).toString());
        assertEquals("call bpf_get_current_comm#16", new Insn(0x85, 0, 0, 0, 16).toString());
        assertEquals("call bpf_loop#181", new Insn(0x85, 0, 0, 0, 181).toString());
        assertEquals("call unknown#9999", new Insn(0x85, 0, 0, 0, 9999).toString());
        assertEquals("call pc+2", new Insn(0x85, 0, 1, 0, 2).toString());
        assertEquals("exit", new Insn(0x95, 0, 0, 0, 0).toString());
        assertEquals("r0 = 0", new Insn(0xb7, 0, 0, 0, 0).toString());
        assertEquals("w2 = 16", new Insn(0xb4, 2, 0, 0, 16).toString());
        assertEquals("r6 = r10", new Insn(0xbf, 6, 10, 0, 0).toString());
        assertEquals("r1 = (s8)r2", new Insn(0xbf, 1, 2, 8, 0).toString());
        assertEquals("r6 += -16", new Insn(0x07, 6, 0, 0, -16).toString());
        assertEquals("w1 &= 3", new Insn(0x54, 1, 0, 0, 3).toString());
        assertEquals("r1 s>>= 32", new Insn(0xc7, 1, 0, 0, 32).toString());
        assertEquals("r1 s/= r2", new Insn(0x3f, 1, 2, 1, 0).toString());
        assertEquals("w3 = -w3", new Insn(0x84, 3, 0, 0, 0).toString());
        assertEquals("r1 = be32 r1", new Insn(0xdc, 1, 0, 0, 32).toString());
        assertEquals("r1 = le16 r1", new Insn(0xd4, 1, 0, 0, 16).toString());
        assertEquals("r1 = bswap64 r1", new Insn(0xd7, 1, 0, 0, 64).toString());
        assertEquals("if r0 != 0x0 goto pc+15", new Insn(0x55, 0, 0, 15, 0).toString());
        assertEquals("if w1 s> w2 goto pc-3", new Insn(0x6e, 1, 2, -3, 0).toString());
        assertEquals("if r1 > 0xffffffff goto pc+1", new Insn(0x25, 1, 0, 1, -1).toString());
        assertEquals("goto pc+7", new Insn(0x05, 0, 0, 7, 0).toString());
        assertEquals("gotol pc-70000", new Insn(0x06, 0, 0, 0, -70000).toString());
        assertEquals("lock *(u64 *)(r0 +0) += r7", new Insn(0xdb, 0, 7, 0, 0x00).toString());
        assertEquals("lock *(u32 *)(r1 +4) |= r2", new Insn(0xc3, 1, 2, 4, 0x40).toString());
        assertEquals("r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)", new Insn(0xdb, 1, 2, 0, 0x01).toString());
        assertEquals("r2 = atomic_fetch_xor((u32 *)(r1 +0), r2)", new Insn(0xc3, 1, 2, 0, 0xa1).toString());
        assertEquals("r2 = atomic64_xchg((u64 *)(r1 +8), r2)", new Insn(0xdb, 1, 2, 8, 0xe1).toString());
        assertEquals("r0 = atomic64_cmpxchg((u64 *)(r1 +8), r0, r2)", new Insn(0xdb, 1, 2, 8, 0xf1).toString());
        assertEquals("r0 = *(u8 *)skb[12]", new Insn(0x30, 0, 0, 0, 12).toString());
        assertEquals("r0 = *(u16 *)skb[r3 + 2]", new Insn(0x48, 0, 3, 0, 2).toString());
        // ld_imm64: alone, with its second slot, and its pseudo forms
        assertEquals("r1 = map[id:5]", new Insn(0x18, 1, 1, 0, 5).toString());
        assertEquals("r1 = map[id:5][0]+8", new Insn(0x18, 1, 2, 0, 5).toString(new Insn(0, 0, 0, 0, 8)));
        assertEquals("r2 = subprog[+23]", new Insn(0x18, 2, 4, 0, 23).toString());
        assertEquals("r3 = 0x100000002", new Insn(0x18, 3, 0, 0, 2).toString(new Insn(0, 0, 0, 0, 1)));
        // anything unknown: raw
        assertTrue(new Insn(0xff, 1, 2, 3, 4).toString().startsWith("raw(op=0xff"));
        assertTrue(new Insn(0x87, 1, 0, 0, 0).toString().equals("r1 = -r1"));
        assertTrue(new Insn(0xe7, 1, 0, 0, 0).toString().startsWith("raw("));
    }

    @Test
    void listsTwoSlotInstructionsOnce() {
        List<String> lines = Insn.disassemble(List.of(new Insn(0x18, 1, 0, 0, 7), new Insn(0, 0, 0, 0, 0),
                new Insn(0x95, 0, 0, 0, 0)));
        assertEquals(List.of("0: (18) r1 = 0x7", "2: (95) exit"), lines);
    }

    @Provide
    Arbitrary<Insn> insns() {
        return Combinators.combine(Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 15),
                Arbitraries.integers().between(0, 15), Arbitraries.integers().between(Short.MIN_VALUE, Short.MAX_VALUE),
                Arbitraries.integers()).as(Insn::new);
    }

    @Provide
    Arbitrary<ByteOrder> orders() {
        return Arbitraries.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN);
    }

    @Property(tries = 2000)
    void encodeDecodeRoundTrip(@ForAll("insns") Insn insn, @ForAll("orders") ByteOrder order) {
        assertEquals(insn, Insn.decode(insn.encode(order), 0, order));
        // every instruction prints without failing
        assertTrue(!insn.toString().isEmpty() && !insn.toString(insn).isEmpty());
    }

    @Property(tries = 2000)
    void decodeEncodeRoundTrip(@ForAll @Size(8) byte[] bytes, @ForAll("orders") ByteOrder order) {
        assertArrayEquals(bytes, Insn.decode(bytes, 0, order).encode(order));
    }

    @Property(tries = 500)
    void byteOrdersSwapTheRegisterNibbles(@ForAll("insns") Insn insn) {
        byte[] le = insn.encode(ByteOrder.LITTLE_ENDIAN);
        byte[] be = insn.encode(ByteOrder.BIG_ENDIAN);
        assertEquals(le[0], be[0]);
        assertEquals((le[1] & 0xff) >>> 4 | (le[1] & 0x0f) << 4, be[1] & 0xff);
    }
}
