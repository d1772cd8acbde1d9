package dev.gewyvern.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.btf.BtfType;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class BpfObjectTest {
    private static final Map<String, Integer> FDS = Map.of("exec_counts", 3, "exit_counts", 4, "counters", 5,
            "sized", 6, "bloom", 7, ".rodata", 8, ".data", 9, ".bss", 10, "legacy_hash", 11, "legacy_array", 12);

    private static BpfObject parse(String which) {
        switch (which) {
            case "execcount": return BpfObject.parse(TestObjects.execcount());
            case "execcount-be": return BpfObject.parse(TestObjects.execcountBe());
            case "subprog": return BpfObject.parse(TestObjects.subprog());
            case "subprog-be": return BpfObject.parse(TestObjects.subprogBe());
            default: throw new IllegalArgumentException(which);
        }
    }

    private static int funcId(Btf btf, String name) {
        int id = btf.find(BtfKind.FUNC, name);
        assertTrue(id > 0, "no BTF FUNC " + name);
        return id;
    }

    private static List<String> mapNames(BpfProgram p) {
        return p.mapReferences().stream().map(MapReference::map).collect(Collectors.toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"execcount", "execcount-be"})
    void execcount(String which) {
        BpfObject o = parse(which);
        assertEquals(which.endsWith("-be") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, o.byteOrder());
        assertEquals("Dual MIT/GPL", o.license());
        assertEquals(0, o.kernelVersion());
        Btf btf = o.btf().orElseThrow();

        assertEquals(List.of("exec_counts", "exit_counts"), o.maps().stream().map(BpfMap::name).collect(Collectors.toList()));
        for (BpfMap m : o.maps()) {
            assertEquals(1, m.type()); // BPF_MAP_TYPE_HASH
            assertEquals(16, m.keySize());
            assertEquals(8, m.valueSize());
            assertEquals(1024, m.maxEntries());
            assertEquals(0, m.flags());
            assertEquals("char[16]", dev.gewyvern.btf.BtfValues.typeName(btf, m.btfKeyTypeId()));
            assertEquals("__u64", btf.name(m.btfValueTypeId()));
            assertEquals(0, m.pinning());
        }

        assertEquals(List.of("count_execs", "count_exits"),
                o.programs().stream().map(BpfProgram::name).collect(Collectors.toList()));
        BpfProgram execs = o.program("count_execs").orElseThrow();
        assertEquals("tracepoint/syscalls/sys_enter_execve", execs.sectionName());
        ProgramSection.Match m = execs.section().orElseThrow();
        assertEquals(ProgramSection.TRACEPOINT, m.kind());
        assertEquals("syscalls", m.category());
        assertEquals("sys_enter_execve", m.name());
        assertTrue(execs.problem().isEmpty());
        assertEquals("sched", o.program("count_exits").orElseThrow().section().orElseThrow().category());

        for (BpfProgram p : o.programs()) {
            assertEquals(33, p.insns().size()); // llvm-objdump-19 -d: 0..32
            assertEquals(List.of(), p.subprograms());
            assertEquals(List.of(10, 19, 26),
                    p.mapReferences().stream().map(MapReference::insnIndex).collect(Collectors.toList()));
            assertTrue(p.mapReferences().stream().allMatch(r -> r.kind() == MapReference.Kind.MAP));
            assertEquals(List.of(new FuncInfo(0, funcId(btf, p.name()))), p.funcInfo());
            assertEquals(11, p.lineInfo().size());
            assertEquals(0, p.lineInfo().get(0).insnIndex());
        }
        assertEquals(List.of("exec_counts", "exec_counts", "exec_counts"), mapNames(execs));
        assertEquals(List.of("exit_counts", "exit_counts", "exit_counts"), mapNames(o.program("count_exits").orElseThrow()));

        assertEquals("call bpf_get_current_comm#16", execs.insns().get(9).toString());
        assertEquals("lock *(u64 *)(r0 +0) += r7", execs.insns().get(30).toString());
        assertEquals("*(u64 *)(r10 -8) = r1", execs.insns().get(1).toString());
        List<String> listing = execs.disassemble();
        assertTrue(listing.contains("10: (18) r1 = map[exec_counts]"), listing.toString());
        assertTrue(listing.contains("14: (55) if r0 != 0x0 goto pc+15"), listing.toString());
        assertTrue(listing.contains("; bpf_get_current_comm(comm, sizeof(comm)); @ ./src/execcount.bpf.c:43"),
                listing.toString());

        SourceLine line = execs.sourceLineAt(9).orElseThrow();
        assertEquals("./src/execcount.bpf.c", line.file());
        assertEquals(43, line.lineNumber());
        assertTrue(line.text().contains("bpf_get_current_comm(comm, sizeof(comm));"), line.text());

        // the loadable form: fds patched into the three ld_imm64s, in the object's byte order
        byte[] code = execs.encode(FDS::get);
        assertEquals(33 * 8, code.length);
        List<Insn> patched = Insn.decodeAll(code, o.byteOrder());
        for (int i = 0; i < 33; i++) {
            Insn want = List.of(10, 19, 26).contains(i)
                    ? execs.insns().get(i).withSrc(Insn.PSEUDO_MAP_FD).withImm(3) : execs.insns().get(i);
            assertEquals(want, patched.get(i), "insn " + i);
        }
        assertEquals(0x11, code[10 * 8 + 1]); // dst r1, src BPF_PSEUDO_MAP_FD: the same nibbles in both orders

        // kernel BTF: DATASEC sizes and VAR offsets filled in, nothing else changed
        Btf kernel = Btf.parse(o.kernelBtf().orElseThrow());
        BtfType.Datasec maps = (BtfType.Datasec) kernel.type(kernel.find(BtfKind.DATASEC, ".maps"));
        assertEquals(64, maps.size());
        assertEquals(List.of(0, 32), maps.vars().stream().map(BtfType.SecInfo::offset).collect(Collectors.toList()));
        assertEquals(List.of("exec_counts", "exit_counts"),
                maps.vars().stream().map(v -> kernel.name(v.type())).collect(Collectors.toList()));
        assertEquals(13, ((BtfType.Datasec) kernel.type(kernel.find(BtfKind.DATASEC, "license"))).size());
        assertEquals(btf.typeCount(), kernel.typeCount());
        for (LineInfo li : execs.lineInfo()) {
            assertEquals(btf.string(li.lineOff()), kernel.string(li.lineOff()));
            assertEquals(btf.string(li.fileNameOff()), kernel.string(li.fileNameOff()));
        }
    }

    @Test
    void bigEndianTwinHasTheSameModel() {
        BpfObject le = parse("execcount");
        BpfObject be = parse("execcount-be");
        assertEquals(le.maps(), be.maps());
        for (int i = 0; i < le.programs().size(); i++) {
            BpfProgram a = le.programs().get(i);
            BpfProgram b = be.programs().get(i);
            assertEquals(a.insns(), b.insns());
            assertEquals(a.mapReferences(), b.mapReferences());
            assertEquals(a.funcInfo(), b.funcInfo());
            assertEquals(a.lineInfo(), b.lineInfo());
            assertEquals(a.disassemble(), b.disassemble());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"subprog", "subprog-be"})
    void subprogramsAreAppendedAndCallsFixed(String which) {
        BpfObject o = parse(which);
        Btf btf = o.btf().orElseThrow();
        assertEquals("GPL", o.license());

        BpfMap counters = o.map("counters").orElseThrow();
        assertEquals(new BpfMap("counters", 2, 4, 8, 4, 0, btf.find(BtfKind.TYPEDEF, "__u32"),
                btf.find(BtfKind.TYPEDEF, "__u64"), 0, 0, BpfMap.PIN_BY_NAME), counters);
        assertEquals(new BpfMap("sized", 1, 4, 8, 16, 1, 0, 0, 1, 0, 0), o.map("sized").orElseThrow());
        assertEquals(new BpfMap("bloom", 30, 0, 4, 8, 0, 0, btf.find(BtfKind.TYPEDEF, "__u32"), 0, 3, 0),
                o.map("bloom").orElseThrow());

        assertEquals(List.of("prog_a", "prog_b", "tc_one", "tc_two", "prog_unknown"),
                o.programs().stream().map(BpfProgram::name).collect(Collectors.toList()));

        // instruction counts from llvm-objdump-19 -d: prog_a 9, prog_b 34, tc_one 7, tc_two 10;
        // .text: global_helper 4, bump 13, loop_cb 8
        BpfProgram a = o.program("prog_a").orElseThrow();
        assertEquals(9 + 13, a.insns().size());
        assertEquals(List.of("bump"), a.subprograms());
        assertEquals("call pc+7", a.insns().get(1).toString());
        assertEquals(List.of(new MapReference(2, ".bss", MapReference.Kind.DATA, 0),
                new MapReference(12, "counters", MapReference.Kind.MAP, 0)), a.mapReferences());
        assertEquals(List.of(new FuncInfo(0, funcId(btf, "prog_a")), new FuncInfo(9, funcId(btf, "bump"))), a.funcInfo());
        assertEquals(3 + 6, a.lineInfo().size());

        BpfProgram b = o.program("prog_b").orElseThrow();
        assertEquals(ProgramSection.RAW_TP, b.section().orElseThrow().kind());
        assertEquals("sys_enter", b.section().orElseThrow().name());
        // depth first, in call order, as libbpf: global_helper, then bump (called by it), then loop_cb
        assertEquals(List.of("global_helper", "bump", "loop_cb"), b.subprograms());
        assertEquals(34 + 4 + 13 + 8, b.insns().size());
        assertEquals("call pc+24", b.insns().get(9).toString());                 // -> 34 global_helper
        assertEquals("call pc+2", b.insns().get(35).toString());                 // -> 38 bump
        assertEquals("r2 = subprog[+23]", b.insns().get(27).toString(b.insns().get(28))); // -> 51 loop_cb
        assertEquals(Insn.PSEUDO_FUNC, b.insns().get(27).src());
        assertEquals(List.of(new MapReference(4, ".rodata", MapReference.Kind.DATA, 0),
                new MapReference(13, ".data", MapReference.Kind.DATA, 0),
                new MapReference(22, "sized", MapReference.Kind.MAP, 0),
                new MapReference(41, "counters", MapReference.Kind.MAP, 0),
                new MapReference(52, ".bss", MapReference.Kind.DATA, 8)), b.mapReferences());
        assertEquals(List.of(new FuncInfo(0, funcId(btf, "prog_b")), new FuncInfo(34, funcId(btf, "global_helper")),
                new FuncInfo(38, funcId(btf, "bump")), new FuncInfo(51, funcId(btf, "loop_cb"))), b.funcInfo());
        assertEquals(10 + 3 + 6 + 3, b.lineInfo().size());
        for (int i = 1; i < b.lineInfo().size(); i++) {
            assertTrue(b.lineInfo().get(i - 1).insnIndex() <= b.lineInfo().get(i).insnIndex());
        }
        assertEquals(50, b.sourceLineAt(35).orElseThrow().lineNumber());

        List<Insn> patched = Insn.decodeAll(b.encode(FDS::get), o.byteOrder());
        assertEquals(new Insn(0x18, 2, Insn.PSEUDO_MAP_VALUE, 0, 10), patched.get(52));
        assertEquals(8, patched.get(53).imm());
        assertEquals(new Insn(0x18, 1, Insn.PSEUDO_MAP_VALUE, 0, 8), patched.get(4));
        assertEquals(new Insn(0x18, 1, Insn.PSEUDO_MAP_FD, 0, 6), patched.get(22));
        assertEquals(0, patched.get(23).imm());

        // two programs in one section, one calling into .text
        BpfProgram tcOne = o.program("tc_one").orElseThrow();
        assertEquals(7 + 13, tcOne.insns().size());
        assertEquals(List.of(new FuncInfo(0, funcId(btf, "tc_one")), new FuncInfo(7, funcId(btf, "bump"))),
                tcOne.funcInfo());
        assertEquals(2 + 6, tcOne.lineInfo().size());
        BpfProgram tcTwo = o.program("tc_two").orElseThrow();
        assertEquals(10, tcTwo.insns().size());
        assertEquals(List.of(new FuncInfo(0, funcId(btf, "tc_two"))), tcTwo.funcInfo());
        assertEquals(4, tcTwo.lineInfo().size());
        assertEquals(List.of(new MapReference(4, "bloom", MapReference.Kind.MAP, 0)), tcTwo.mapReferences());

        // an unknown section is a problem of that program only
        BpfProgram unknown = o.program("prog_unknown").orElseThrow();
        assertTrue(unknown.section().isEmpty());
        assertTrue(unknown.problem().orElseThrow().contains("unknown section 'weird/section'"));
        assertEquals(2, unknown.insns().size());

        Btf kernel = Btf.parse(o.kernelBtf().orElseThrow());
        BtfType.Datasec maps = (BtfType.Datasec) kernel.type(kernel.find(BtfKind.DATASEC, ".maps"));
        assertEquals(120, maps.size());
        assertEquals(List.of("sized@0", "bloom@48", "counters@80"),
                maps.vars().stream().map(v -> kernel.name(v.type()) + "@" + v.offset()).collect(Collectors.toList()));
        BtfType.Datasec bss = (BtfType.Datasec) kernel.type(kernel.find(BtfKind.DATASEC, ".bss"));
        assertEquals(16, bss.size());
        assertEquals(List.of("total@0", "hidden@8"),
                bss.vars().stream().map(v -> kernel.name(v.type()) + "@" + v.offset()).collect(Collectors.toList()));
    }

    @Test
    void subprogBigEndianTwinMatches() {
        BpfObject le = parse("subprog");
        BpfObject be = parse("subprog-be");
        assertEquals(le.maps(), be.maps());
        for (int i = 0; i < le.programs().size(); i++) {
            assertEquals(le.programs().get(i).insns(), be.programs().get(i).insns());
            assertEquals(le.programs().get(i).funcInfo(), be.programs().get(i).funcInfo());
            assertEquals(le.programs().get(i).lineInfo(), be.programs().get(i).lineInfo());
        }
    }

    @Test
    void legacyMapsAndVersion() {
        BpfObject o = BpfObject.parse(TestObjects.legacy());
        assertEquals("GPL", o.license());
        assertEquals(0x060100, o.kernelVersion());
        assertEquals(List.of(new BpfMap("legacy_hash", 1, 4, 8, 64, 1, 0, 0, 0, 0, 0),
                new BpfMap("legacy_array", 2, 4, 4, 2, 0, 0, 0, 0, 0, 0)), o.maps());
        BpfProgram p = o.program("sock_prog").orElseThrow();
        assertEquals(ProgramSection.SOCKET, p.section().orElseThrow().kind());
        assertEquals(21, p.insns().size());
        assertEquals(List.of("legacy_hash", "legacy_array"), mapNames(p));
        assertEquals(8, p.lineInfo().size());
        List<Insn> patched = Insn.decodeAll(p.encode(FDS::get), o.byteOrder());
        assertEquals(11, patched.get(p.mapReferences().get(0).insnIndex()).imm());
        assertEquals(12, patched.get(p.mapReferences().get(1).insnIndex()).imm());
    }

    @Test
    void unknownMapAttributeNamesMapAndAttribute() {
        byte[] elf = TestObjects.replaceInSection(TestObjects.subprog(), ".BTF",
                "pinning\0".getBytes(StandardCharsets.US_ASCII), "pinnin_\0".getBytes(StandardCharsets.US_ASCII));
        // the map is the problem, not the file: it is left out, and each program that uses it says why
        BpfObject o = BpfObject.parse(elf);
        assertTrue(o.map("counters").isEmpty());
        ObjectProblem p = o.problems().stream().filter(x -> x.item() == ObjectProblem.Item.MAP).findFirst().orElseThrow();
        assertEquals("counters", p.name());
        assertTrue(p.text().contains("'pinnin_'"), p.text());
        assertTrue(o.unloadable().isEmpty(), "the object itself is fine");
        for (BpfProgram prog : o.programs()) {
            if (prog.mapReferences().stream().anyMatch(r -> r.map().equals("counters"))) {
                String why = prog.loadProblem().orElseThrow();
                assertTrue(why.contains("map 'counters'") && why.contains("'pinnin_'"), why);
            }
        }

        byte[] values = TestObjects.replaceInSection(TestObjects.subprog(), ".BTF",
                "pinning\0".getBytes(StandardCharsets.US_ASCII), "values\0\0".getBytes(StandardCharsets.US_ASCII));
        p = BpfObject.parse(values).problems().get(0);
        assertTrue(p.name().equals("counters") && p.text().contains("'values'")
                && p.text().contains("__array(values, T)"), p.toString());
    }

    @Test
    void mapOfMapsAndProgramArrayValuesComeFromRelMaps() {
        for (String name : java.util.List.of("maps.bpf.o", "maps.bpfeb.o")) {
            BpfObject o = BpfObject.parse(TestObjects.testdata(name));
            BpfMap outer = o.map("outer").orElseThrow();
            assertEquals(java.util.List.of(new BpfMap.Slot(0, "inner_a", BpfMap.Slot.Kind.MAP),
                    new BpfMap.Slot(2, "inner_b", BpfMap.Slot.Kind.MAP)), outer.initialValues());
            assertEquals(4, outer.valueSize());
            assertEquals(new BpfMap("outer.inner", 2, 4, 8, 1, 0, outer.inner().btfKeyTypeId(),
                    outer.inner().btfValueTypeId(), 0, 0, 0), outer.inner());
            BpfMap jumps = o.map("jumps").orElseThrow();
            assertEquals(java.util.List.of(new BpfMap.Slot(1, "tail_target", BpfMap.Slot.Kind.PROGRAM)),
                    jumps.initialValues());
            assertEquals(null, jumps.inner());
            assertEquals(0, o.map("events").orElseThrow().maxEntries(), "sized by the loader");
        }
    }

    @Test
    void unsupportedRelocationIsNamed() {
        byte[] elf = TestObjects.subprog();
        int rel = TestObjects.sectionOffset(elf, ".reltc");
        // Elf64_Rel.r_info: symbol in the high 32 bits, type in the low 32 (little endian: first 4 bytes)
        TestObjects.putInt(elf, rel + 8, ElfRelocation.R_BPF_64_ABS64);
        // one program's code holds the relocation: that program cannot be loaded, and says why
        BpfObject o = BpfObject.parse(elf);
        String why = o.programs().stream().map(BpfProgram::loadProblem).flatMap(java.util.Optional::stream)
                .findFirst().orElseThrow();
        assertTrue(why.contains("R_BPF_64_ABS64") && why.contains("'tc'"), why);
        assertThrows(ElfException.class, () -> o.programs().stream().filter(x -> x.loadProblem().isPresent())
                .findFirst().orElseThrow().encode(m -> 3));
    }

    @Test
    void objectWithoutBtfStillParses() {
        // drop .BTF and .BTF.ext by renaming them: the legacy object needs neither
        byte[] elf = TestObjects.replaceInSection(TestObjects.legacy(), ".strtab",
                ".BTF\0".getBytes(StandardCharsets.US_ASCII), ".XTF\0".getBytes(StandardCharsets.US_ASCII));
        elf = TestObjects.replaceInSection(elf, ".strtab",
                ".BTF.ext\0".getBytes(StandardCharsets.US_ASCII), ".XTF.ext\0".getBytes(StandardCharsets.US_ASCII));
        BpfObject o = BpfObject.parse(elf);
        assertTrue(o.btf().isEmpty());
        assertTrue(o.kernelBtf().isEmpty());
        BpfProgram p = o.program("sock_prog").orElseThrow();
        assertTrue(p.funcInfo().isEmpty() && p.lineInfo().isEmpty());
        assertTrue(p.sourceLineAt(0).isEmpty());
        assertFalse(p.disassemble().isEmpty());
        assertArrayEquals(BpfObject.parse(TestObjects.legacy()).program("sock_prog").orElseThrow().encode(FDS::get),
                p.encode(FDS::get));
    }
}
