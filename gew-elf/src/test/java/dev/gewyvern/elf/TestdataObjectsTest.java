package dev.gewyvern.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;

/** What gew-elf reads from the testdata objects, in both byte orders. */
class TestdataObjectsTest {
    private static List<String> describe(BpfObject o) {
        return o.programs().stream().map(p -> p.name() + " " + p.sectionName() + " " + p.insns().size() + " "
                + p.subprograms() + " " + p.section().map(m -> m.kind().name()).orElse("?")).toList();
    }

    @Test
    void bothByteOrdersReadTheSame() {
        for (String name : List.of("core", "execcount", "externs", "globals", "legacy", "maps", "sections", "sections_new", "tracing")) {
            BpfObject le = BpfObject.parse(TestObjects.testdata(name + ".bpf.o"));
            BpfObject be = BpfObject.parse(TestObjects.testdata(name + ".bpfeb.o"));
            assertEquals(ByteOrder.LITTLE_ENDIAN, le.byteOrder());
            assertEquals(ByteOrder.BIG_ENDIAN, be.byteOrder());
            assertEquals(describe(le), describe(be), name);
            assertEquals(le.maps(), be.maps(), name);
            assertEquals(le.globalData().stream().map(GlobalData::variables).toList(),
                    be.globalData().stream().map(GlobalData::variables).toList(), name);
            assertEquals(name.equals("core"), le.programs().stream().anyMatch(p -> p.problem().isPresent()), name);
        }
    }

    @Test
    void globalsHasItsSectionsVariablesAndCallForms() {
        BpfObject o = BpfObject.parse(TestObjects.testdata("globals.bpf.o"));
        assertEquals(List.of(".rodata", ".data", ".data.stats", ".bss"),
                o.globalData().stream().map(GlobalData::section).toList());
        GlobalData ro = o.globalData(".rodata").orElseThrow();
        assertEquals(GlobalData.Kind.RODATA, ro.kind());
        assertTrue(ro.frozen());
        assertEquals(GlobalData.F_RDONLY_PROG | GlobalData.F_MMAPABLE, ro.mapFlags());
        assertEquals("globals.rodata", ro.mapName("globals"));
        assertEquals("execcoun.rodata", ro.mapName("execcount"));
        assertEquals(".data.stats", o.globalData(".data.stats").orElseThrow().mapName("globals"));
        assertEquals("\"gew\"", ro.render(ro.variable("tag").orElseThrow(), ro.initialValue(), o.byteOrder()));
        assertEquals("-3", ro.render(ro.variable("bias").orElseThrow(), ro.initialValue(), o.byteOrder()));
        assertEquals("const volatile char[8]", ro.typeName(ro.variable("tag").orElseThrow()));
        GlobalData bss = o.globalData(".bss").orElseThrow();
        assertTrue(bss.variable("last_pid").isPresent() && !bss.variable("last_pid").get().global());
        BpfProgram p = o.program("on_getppid").orElseThrow();
        assertTrue(p.subprograms().containsAll(List.of("add_hit", "scaled", "count_loop")), p.subprograms().toString());
        assertTrue(p.insns().stream().anyMatch(i -> i.isLdImm64() && i.src() == Insn.PSEUDO_FUNC), "callback");
        assertEquals(2, o.programs().stream().filter(q -> q.sectionName().equals("tracepoint/syscalls/sys_enter_getppid"))
                .count());
        // func_info: the program at 0 and one record per appended subprogram, in order
        assertEquals(1 + p.subprograms().size(), p.funcInfo().size());
        assertEquals(0, p.funcInfo().get(0).insnIndex());
    }

    @Test
    void coreRelocationsArePlacedAndReportedNotIgnored() {
        for (String name : List.of("core.bpf.o", "core.bpfeb.o")) {
            BpfProgram p = BpfObject.parse(TestObjects.testdata(name)).program("read_tgid").orElseThrow();
            assertEquals(1, p.coreRelocations().size(), name);
            assertTrue(p.coreRelocations().get(0).insnIndex() < p.insns().size());
            assertTrue(p.problem().orElseThrow().contains("CO-RE relocations"), p.problem().toString());
        }
    }

    @Test
    void valuesAreCheckedAgainstTheirTypes() {
        BpfObject o = BpfObject.parse(TestObjects.testdata("globals.bpf.o"));
        GlobalData ro = o.globalData(".rodata").orElseThrow();
        byte[] image = o.globalDataValues(java.util.Map.of("tag", new VariableValue.Text("abc"),
                "enabled", new VariableValue.Bool(false), "target_pid", new VariableValue.Integer(4242))).get(".rodata");
        assertEquals("\"abc\"", ro.render(ro.variable("tag").orElseThrow(), image, o.byteOrder()));
        assertEquals("4242", ro.render(ro.variable("target_pid").orElseThrow(), image, o.byteOrder()));
        String msg = org.junit.jupiter.api.Assertions.assertThrows(ElfException.class, () -> o.globalDataValues(
                java.util.Map.of("target_pid", new VariableValue.Integer(-1)))).getMessage();
        assertTrue(msg.contains("target_pid") && msg.contains("0..4294967295"), msg);
        msg = org.junit.jupiter.api.Assertions.assertThrows(ElfException.class, () -> o.globalDataValues(
                java.util.Map.of("enabled", new VariableValue.Integer(2)))).getMessage();
        assertTrue(msg.contains("bool takes 0 or 1"), msg);
    }
}
