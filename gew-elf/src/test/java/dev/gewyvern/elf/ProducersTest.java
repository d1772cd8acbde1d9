package dev.gewyvern.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Objects from other producers and older compilers, read as libbpf (before 1.0) or cilium/ebpf read
 * them, or refused for the one map, extern or program concerned, with the reason: legacy map symbols
 * without a size (clang 7 and older), iproute2's 36-byte struct bpf_elf_map, externs outside the
 * .kconfig/.ksyms DATASEC (compilers before clang 10).
 */
class ProducersTest {
    private static final int SYM_SIZE = 24;

    /** The object with the st_size of each named symbol set to 0, as clang 7 and older wrote map symbols. */
    private static byte[] withoutSymbolSizes(byte[] elf, String... names) {
        byte[] out = elf.clone();
        ElfFile f = ElfFile.parse(elf.clone());
        int symtab = TestObjects.sectionOffset(elf, ".symtab");
        for (ElfSymbol s : f.symbols()) {
            if (List.of(names).contains(s.name())) {
                TestObjects.putLong(out, symtab + s.index() * SYM_SIZE + 16, 0);
            }
        }
        return out;
    }

    @Test
    void legacyMapSymbolsWithoutASizeShareTheSectionAsLibbpfDid() {
        for (String name : List.of("legacy.bpf.o", "legacy.bpfeb.o")) {
            BpfObject sized = BpfObject.parse(TestObjects.testdata(name));
            BpfObject unsized = BpfObject.parse(withoutSymbolSizes(TestObjects.testdata(name), "legacy_hash",
                    "legacy_array"));
            assertEquals(sized.maps(), unsized.maps(), name);
            assertTrue(unsized.problems().isEmpty(), unsized.problems().toString());
            assertTrue(unsized.program("sock_prog").orElseThrow().loadProblem().isEmpty());
        }
    }

    @Test
    void iproute2DefinitionsAreReadAndItsMapInMapIsRefusedForThatMapOnly() {
        for (String name : List.of("iproute2.bpf.o", "iproute2.bpfeb.o")) {
            BpfObject o = BpfObject.parse(TestObjects.testdata(name));
            BpfMap counters = o.map("counters").orElseThrow();
            assertEquals(List.of(2, 4, 8, 2, 0), List.of(counters.type(), counters.keySize(), counters.valueSize(),
                    counters.maxEntries(), counters.flags()), name);
            assertEquals(BpfMap.PIN_BY_NAME, counters.pinning(), "PIN_GLOBAL_NS asks for a pin");
            assertEquals(BpfMap.PIN_NONE, o.map("map_inner").orElseThrow().pinning());
            assertTrue(o.map("map_outer").isEmpty());
            ObjectProblem p = o.problems().get(0);
            assertEquals(new ObjectProblem(ObjectProblem.Item.MAP, "map_outer", p.text()), p);
            assertTrue(p.text().contains("inner_id 42") && p.text().contains("__array(values"), p.text());
            assertTrue(o.unloadable().isEmpty());
            assertTrue(o.program("count_packets").orElseThrow().loadProblem().isEmpty());
            String why = o.program("lookup_outer").orElseThrow().loadProblem().orElseThrow();
            assertTrue(why.startsWith("it uses map 'map_outer', which cannot be made"), why);
        }
    }

    @Test
    void externsOutsideTheirDatasecAreProblemsOfTheExternAndItsPrograms() {
        // rename the .kconfig DATASEC: its externs are then in no DATASEC, as compilers before clang 10 wrote them
        byte[] elf = TestObjects.replaceInSection(TestObjects.testdata("externs.bpf.o"), ".BTF",
                ".kconfig\0".getBytes(StandardCharsets.US_ASCII), ".kconfiX\0".getBytes(StandardCharsets.US_ASCII));
        BpfObject o = BpfObject.parse(elf);
        assertTrue(o.externs().isEmpty());
        List<String> names = o.problems().stream().filter(p -> p.item() == ObjectProblem.Item.EXTERN)
                .map(ObjectProblem::name).toList();
        assertTrue(names.contains("LINUX_KERNEL_VERSION") && names.contains("CONFIG_HZ"), names.toString());
        assertTrue(o.problems().get(0).text().contains("neither the .kconfig nor the .ksyms DATASEC"),
                o.problems().get(0).text());
        String why = o.program("read_kconfig").orElseThrow().loadProblem().orElseThrow();
        assertTrue(why.contains("an extern that cannot be resolved"), why);
    }

    @Test
    void unreadableBtfIsAProblemOfTheObjectThatStillListsItsPrograms() {
        byte[] elf = TestObjects.testdata("execcount.bpf.o");
        int btf = TestObjects.sectionOffset(elf, ".BTF");
        TestObjects.putInt(elf, btf, 0x12345678); // the BTF magic
        BpfObject o = BpfObject.parse(elf);
        assertTrue(o.btf().isEmpty());
        assertEquals(".BTF", o.unloadable().get(0).name());
        assertEquals(2, o.programs().size());
        assertTrue(o.problems().stream().anyMatch(p -> p.item() == ObjectProblem.Item.MAP
                && p.name().equals("exec_counts")), o.problems().toString());
    }
}
