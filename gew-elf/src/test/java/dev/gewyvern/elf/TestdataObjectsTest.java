package dev.gewyvern.elf;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfType;
import dev.gewyvern.btf.BtfWriter;
import dev.gewyvern.btf.CoreCandidates;
import dev.gewyvern.btf.CoreResolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
            assertTrue(le.programs().stream().noneMatch(p -> p.problem().isPresent()), name);
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
    void coreRelocationsArePlacedAndPatchTheirInstruction() {
        for (String name : List.of("core.bpf.o", "core.bpfeb.o")) {
            BpfObject o = BpfObject.parse(TestObjects.testdata(name));
            BpfProgram p = o.program("read_tgid").orElseThrow();
            assertEquals(1, p.coreRelocations().size(), name);
            CoreRelocation r = p.coreRelocations().get(0);
            assertTrue(p.problem().isEmpty(), p.problem().toString());
            Btf own = o.btf().orElseThrow();
            // against the object's own BTF every value stays what clang wrote
            BpfProgram same = p.relocateCore(new CoreResolver(own, CoreCandidates.of("own", own)));
            assertEquals(p.insns(), same.insns(), name);
            assertEquals(1, same.coreApplied().size());
            assertFalse(same.coreApplied().get(0).poisoned());
            // a kernel whose task_struct has tgid at byte 20 (after an int[5]) gets a load from 20
            Btf kernel = Btf.parse(BtfWriter.write(List.of(new BtfType.Int("int", 4, 1, 0, 32),
                    new BtfType.Array(1, 1, 5), new BtfType.Struct("task_struct", 24, false, false, List.of(
                            new BtfType.Member("pad", 2, 0, 0), new BtfType.Member("tgid", 1, 160, 0)))),
                    java.nio.ByteOrder.LITTLE_ENDIAN));
            BpfProgram moved = p.relocateCore(new CoreResolver(own, CoreCandidates.of("kernel", kernel)));
            Insn before = p.insns().get(r.insnIndex());
            Insn after = moved.insns().get(r.insnIndex());
            assertEquals(20, moved.coreApplied().get(0).result().targetValue(), name);
            assertEquals(before.opcode(), after.opcode());
            assertTrue(after.off() == 20 || after.imm() == 20, after.toString());
            // a kernel without the field: the instruction becomes the poisoned call
            Btf without = Btf.parse(BtfWriter.write(List.of(new BtfType.Int("int", 4, 1, 0, 32),
                    new BtfType.Struct("task_struct", 4, false, false, List.of(new BtfType.Member("pid", 1, 0, 0)))),
                    java.nio.ByteOrder.LITTLE_ENDIAN));
            BpfProgram poisoned = p.relocateCore(new CoreResolver(own, CoreCandidates.of("kernel", without)));
            assertTrue(poisoned.coreApplied().get(0).poisoned());
            assertEquals(new Insn(Insn.CALL, 0, 0, 0, 0xbad2310), poisoned.insns().get(r.insnIndex()));
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
