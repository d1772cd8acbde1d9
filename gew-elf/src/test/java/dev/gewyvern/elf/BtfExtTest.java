package dev.gewyvern.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfException;
import dev.gewyvern.btf.BtfExt;
import dev.gewyvern.btf.BtfKind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The .BTF.ext parser of gew-btf, exercised on real objects and on synthetic blocks. */
class BtfExtTest {
    private static final String EXECVE = "tracepoint/syscalls/sys_enter_execve";

    private static Btf btf(byte[] elfBytes) {
        ElfFile elf = ElfFile.parse(elfBytes);
        return Btf.parse(elf.data(elf.section(".BTF").orElseThrow()));
    }

    private static byte[] ext(byte[] elfBytes) {
        ElfFile elf = ElfFile.parse(elfBytes);
        return elf.data(elf.section(".BTF.ext").orElseThrow());
    }

    @Test
    void parsesClangOutputInBothByteOrders() {
        for (byte[] obj : List.of(TestObjects.execcount(), TestObjects.execcountBe())) {
            Btf btf = btf(obj);
            BtfExt ext = BtfExt.parse(ext(obj), btf);
            assertEquals(btf.order(), ext.order());
            assertEquals(1, ext.version());
            assertEquals(8, ext.funcInfoRecordSize());
            assertEquals(16, ext.lineInfoRecordSize());
            assertEquals(List.of(EXECVE, "tracepoint/sched/sched_process_exit"), List.copyOf(ext.funcInfo().keySet()));
            assertEquals(List.of(new BtfExt.FuncInfo(0, btf.find(BtfKind.FUNC, "count_execs"))), ext.funcInfo(EXECVE));
            List<BtfExt.LineInfo> lines = ext.lineInfo(EXECVE);
            assertEquals(11, lines.size());
            assertEquals(List.of(0, 8, 32, 56, 80, 112, 152, 184, 208, 232, 248),
                    lines.stream().map(BtfExt.LineInfo::insnOff).collect(java.util.stream.Collectors.toList()));
            assertEquals("./src/execcount.bpf.c", btf.string(lines.get(0).fileNameOff()));
            assertEquals(58, lines.get(0).lineNumber());
            assertTrue(ext.coreRelos().isEmpty());
            assertTrue(ext.funcInfo(".text").isEmpty());
        }
    }

    /** A .BTF.ext with one func_info block of the given record size and one line of core_relo. */
    private static byte[] synthetic(int funcRecSize, int funcTypeId, int nameOff, int coreRecSize, int accessOff) {
        int funcLen = 4 + 8 + funcRecSize;
        int coreLen = 4 + 8 + coreRecSize;
        ByteBuffer b = ByteBuffer.allocate(32 + funcLen + coreLen).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(32);
        b.putInt(0).putInt(funcLen).putInt(0).putInt(0).putInt(funcLen).putInt(coreLen);
        b.putInt(funcRecSize).putInt(nameOff).putInt(1);
        int[] rec = {8, funcTypeId};
        for (int k = 0; k < funcRecSize; k += 4) {
            b.putInt(k / 4 < rec.length ? rec[k / 4] : 0x5a5a5a5a); // beyond 8 bytes: fields a newer clang might add
        }
        b.putInt(coreRecSize).putInt(nameOff).putInt(1).putInt(16).putInt(1).putInt(accessOff).putInt(0);
        for (int k = 16; k < coreRecSize; k += 4) {
            b.putInt(0);
        }
        return b.array();
    }

    @Test
    void honoursRecordSizes() {
        byte[] obj = TestObjects.execcount();
        Btf btf = btf(obj);
        int func = btf.find(BtfKind.FUNC, "count_execs");
        int nameOff = ByteBuffer.wrap(ext(obj)).order(ByteOrder.LITTLE_ENDIAN).getInt(32 + 4); // first func section's name
        BtfExt ext = BtfExt.parse(synthetic(16, func, nameOff, 20, 0), btf);
        assertEquals(16, ext.funcInfoRecordSize());
        assertEquals(List.of(new BtfExt.FuncInfo(8, func)), ext.funcInfo(EXECVE));
        assertEquals(List.of(new BtfExt.CoreRelo(16, 1, 0, 0)), ext.coreRelos(EXECVE));
        assertEquals(20, ext.coreReloRecordSize());

        BtfException e = assertThrows(BtfException.class, () -> BtfExt.parse(synthetic(4, func, nameOff, 16, 0), btf));
        assertTrue(e.getMessage().contains("record size 4"), e.getMessage());
        e = assertThrows(BtfException.class, () -> BtfExt.parse(synthetic(8, 1, nameOff, 16, 0), btf));
        assertTrue(e.getMessage().contains("rather than a FUNC"), e.getMessage());
        e = assertThrows(BtfException.class, () -> BtfExt.parse(synthetic(8, 99999, nameOff, 16, 0), btf));
        assertTrue(e.getMessage().contains("type id 99999"), e.getMessage());
        e = assertThrows(BtfException.class, () -> BtfExt.parse(synthetic(8, func, 1 << 30, 16, 0), btf));
        assertTrue(e.getMessage().contains("section name offset"), e.getMessage());
        e = assertThrows(BtfException.class, () -> BtfExt.parse(synthetic(8, func, nameOff, 16, 1 << 30), btf));
        assertTrue(e.getMessage().contains("core_relo"), e.getMessage());

        byte[] lying = synthetic(8, func, nameOff, 16, 0);
        ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putInt(32 + 8, 1_000_000); // num_info
        e = assertThrows(BtfException.class, () -> BtfExt.parse(lying, btf));
        assertTrue(e.getMessage().contains("1000000 records"), e.getMessage());
        byte[] shortHeader = synthetic(8, func, nameOff, 16, 0);
        ByteBuffer.wrap(shortHeader).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 24); // no core_relo part
        // with a 24-byte header, the blocks start 8 bytes earlier: the func_info block no longer lines up
        assertThrows(BtfException.class, () -> BtfExt.parse(shortHeader, btf));
    }
}
