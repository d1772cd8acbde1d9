package dev.gewyvern.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class ElfFileTest {
    @Test
    void readsHeaderSectionsSymbolsAndRelocations() {
        for (byte[] bytes : List.of(TestObjects.execcount(), TestObjects.execcountBe())) {
            ElfFile elf = ElfFile.parse(bytes);
            assertEquals(bytes[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, elf.order());
            assertEquals(ElfFile.ET_REL, elf.elfType());
            assertEquals(30, elf.sections().size()); // llvm-readelf-19 -S
            ElfSection tp = elf.section(3);
            assertEquals("tracepoint/syscalls/sys_enter_execve", tp.name());
            assertTrue(tp.executable());
            assertEquals(0x108, tp.size());
            assertEquals(".maps", elf.section(7).name());
            assertEquals(0x40, elf.section(".maps").orElseThrow().size());
            assertTrue(elf.section(".nope").isEmpty());

            assertEquals(18, elf.symbols().size());
            ElfSymbol execs = elf.symbols().get(13);
            assertEquals(new ElfSymbol(13, "count_execs", 0, 264, ElfSymbol.STT_FUNC, ElfSymbol.STB_GLOBAL,
                    ElfSymbol.STV_DEFAULT, 3), execs);
            ElfSymbol exits = elf.symbols().get(16);
            assertEquals("exit_counts", exits.name());
            assertEquals(0x20, exits.value());
            assertEquals(32, exits.size());
            assertEquals(ElfSymbol.STT_OBJECT, exits.type());
            assertEquals(7, exits.sectionIndex());
            assertEquals(ElfSymbol.STT_SECTION, elf.symbols().get(2).type());

            List<ElfRelocation> rels = elf.relocations(tp);
            assertEquals(List.of(0x50L, 0x98L, 0xd0L), rels.stream().map(ElfRelocation::offset).collect(Collectors.toList()));
            assertTrue(rels.stream().allMatch(r -> r.type() == ElfRelocation.R_BPF_64_64 && r.symbol() == 14));
            assertEquals(24, elf.relocations(elf.section(".BTF.ext").orElseThrow()).size());
            assertEquals(13, elf.data(elf.section("license").orElseThrow()).length);
        }
    }

    private static ElfException fails(byte[] bytes) {
        return assertThrows(ElfException.class, () -> ElfFile.parse(bytes));
    }

    @Test
    void refusesWhatIsNotABpfRelocatableElf64() {
        assertTrue(fails(new byte[10]).getMessage().contains("shorter"));
        byte[] b = TestObjects.execcount();
        b[0] = 0;
        assertTrue(fails(b).getMessage().contains("magic"));
        b = TestObjects.execcount();
        b[4] = 1;
        assertTrue(fails(b).getMessage().contains("ELFCLASS64"));
        b = TestObjects.execcount();
        b[5] = 3;
        assertTrue(fails(b).getMessage().contains("endian"));
        b = TestObjects.execcount();
        b[18] = 62; // EM_X86_64
        assertTrue(fails(b).getMessage().contains("EM_BPF"));
        b = TestObjects.execcount();
        b[16] = 2; // ET_EXEC
        assertTrue(fails(b).getMessage().contains("ET_REL"));
    }

    @Test
    void refusesLyingSectionHeaders() {
        byte[] b = TestObjects.execcount();
        int shoff = (int) java.nio.ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(40);
        // section 19 (.BTF): size far past the end of the file
        TestObjects.putLong(b, shoff + 19 * 64 + 32, 1L << 40);
        ElfException e = fails(b);
        assertTrue(e.getMessage().contains("section 19") && e.getMessage().contains("runs past"), e.getMessage());

        b = TestObjects.execcount();
        TestObjects.putLong(b, 40, b.length - 10); // e_shoff
        assertTrue(fails(b).getMessage().contains("e_shoff"));

        b = TestObjects.execcount();
        b[60] = (byte) 0xff; // e_shnum
        b[61] = (byte) 0x7f;
        assertTrue(fails(b).getMessage().contains("runs past"));

        b = TestObjects.execcount();
        // .symtab (section 29): an entry size other than 24
        TestObjects.putLong(b, shoff + 29 * 64 + 56, 16);
        assertTrue(fails(b).getMessage().contains("entry size"));

        b = TestObjects.execcount();
        // a relocation naming symbol 1000
        int rel = TestObjects.sectionOffset(b, ".reltracepoint/syscalls/sys_enter_execve");
        TestObjects.putInt(b, rel + 12, 1000);
        // the ELF is well-formed: the relocation is a problem of the program whose code holds it
        String problem = BpfObject.parse(b).program("count_execs").orElseThrow().loadProblem().orElseThrow();
        assertTrue(problem.contains("symbol index 1000"), problem);
    }
}
