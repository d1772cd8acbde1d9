package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.google.protobuf.util.JsonFormat;
import dev.gewyvern.proto.v1.ObjectReport;
import dev.gewyvern.proto.v1.ProgramReport;
import dev.gewyvern.proto.v1.VariableReport;
import org.junit.jupiter.api.Test;

/** {@code gew object inspect} through the launcher: text, JSON that parses back, disassembly, mistakes. */
class ObjectInspectIT {
    private static final String GLOBALS = "testdata/obj/globals.bpf.o";

    @Test
    void textListsProgramsMapsAndVariables() throws Exception {
        Gew.Result r = Gew.run("object", "inspect", GLOBALS);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("little-endian, license \"GPL\""), r.toString());
        assertTrue(r.out().matches("(?s).*on_getppid +tracepoint/syscalls/sys_enter_getppid +tracepoint +- +"
                + "syscalls/sys_enter_getppid +\\d+\\n.*"), r.toString());
        assertTrue(r.out().contains("calls add_hit, scaled, count_loop"), r.toString());
        assertTrue(r.out().matches("(?s).*globals\\.rodata +array .*\\.rodata \\(frozen\\).*"), r.toString());
        assertTrue(r.out().matches("(?s).*tag +\\.rodata +12 +8 +const volatile char\\[8\\] +\"gew\".*"), r.toString());
        assertTrue(r.out().matches("(?s).*last_pid \\(static\\) +\\.bss .*"), r.toString());
        assertTrue(r.err().isEmpty(), r.err());
    }

    @Test
    void jsonIsTheObjectReportMessage() throws Exception {
        Gew.Result r = Gew.run("object", "inspect", "--disasm", "--output", "json", GLOBALS);
        assertEquals(0, r.exit(), r.toString());
        ObjectReport.Builder b = ObjectReport.newBuilder();
        JsonFormat.parser().merge(r.out(), b);
        ObjectReport report = b.build();
        assertEquals(List.of("on_getppid", "on_getppid_too"),
                report.getProgramsList().stream().map(ProgramReport::getName).toList());
        ProgramReport p = report.getPrograms(0);
        assertEquals("BPF_PROG_TYPE_TRACEPOINT", p.getProgType());
        assertEquals(p.getInstructions(), p.getDisassemblyList().stream().filter(l -> !l.startsWith(";"))
                .mapToInt(l -> l.contains("(18)") ? 2 : 1).sum(), "every instruction slot is listed once");
        assertTrue(p.getDisassemblyList().stream().anyMatch(l -> l.startsWith("; ") && l.contains("globals.bpf.c:")));
        VariableReport bias = report.getVariablesList().stream().filter(v -> v.getName().equals("bias")).findFirst()
                .orElseThrow();
        assertEquals("-3", bias.getValue());
        assertTrue(bias.getSettable());
    }

    @Test
    void coreResolvesEachRelocationAgainstTheRunningKernelOrAGivenBtf() throws Exception {
        Gew.Result r = Gew.run("object", "inspect", "--core", "-o", "json", "testdata/obj/core.bpf.o");
        assertEquals(0, r.exit(), r.toString());
        ObjectReport.Builder b = ObjectReport.newBuilder();
        JsonFormat.parser().merge(r.out(), b);
        assertEquals("vmlinux", b.getCoreTarget());
        dev.gewyvern.proto.v1.CoreRelocationReport c = b.getPrograms(0).getCoreRelocations(0);
        assertEquals("byte_off", c.getKind());
        assertEquals("struct task_struct.tgid (0:0 @ offset 0)", c.getLocal());
        // the value is where the running kernel's own BTF has task_struct.tgid
        dev.gewyvern.btf.Btf vmlinux = dev.gewyvern.btf.Btf.parse(java.nio.file.Files.readAllBytes(
                java.nio.file.Path.of("/sys/kernel/btf/vmlinux")));
        var ts = (dev.gewyvern.btf.BtfType.Struct) vmlinux.type(vmlinux.find(dev.gewyvern.btf.BtfKind.STRUCT,
                "task_struct"));
        long tgid = ts.members().stream().filter(m -> m.name().equals("tgid")).findFirst().orElseThrow().bitOffset() / 8;
        assertEquals(tgid, c.getTargetValue(), c.toString());
        assertFalse(c.getPoisoned());
        assertTrue(c.getSource().contains("core.bpf.c:"), c.toString());

        Gew.Result text = Gew.run("object", "inspect", "--core", "--target-btf", "testdata/obj/globals.bpf.o",
                "testdata/obj/core.bpf.o");
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().contains("POISONED: no type named task_struct in "), text.toString());

        Gew.Result wrong = Gew.run("object", "inspect", "--target-btf", "/nonexistent", "testdata/obj/core.bpf.o");
        assertEquals(2, wrong.exit(), wrong.toString());
        assertTrue(wrong.err().contains("--target-btf is used with --core"), wrong.toString());
    }

    @Test
    void bigEndianObjectsAndEverySectionKindAreListed() throws Exception {
        Gew.Result r = Gew.run("object", "inspect", "testdata/obj/sections.bpfeb.o");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("big-endian"), r.toString());
        assertTrue(r.out().matches("(?s).*s_xdp_frags +xdp\\.frags +xdp +BPF_XDP .*"), r.toString());
        assertTrue(r.out().matches("(?s).*s_tp_btf +tp_btf/sched_switch +tracing +BPF_TRACE_RAW_TP +sched_switch.*"),
                r.toString());
    }

    @Test
    void aFileThatIsNoObjectIsOneClearLine() throws Exception {
        Gew.Result r = Gew.run("object", "inspect", "pom.xml");
        assertEquals(2, r.exit(), "a usage error: " + r);
        assertTrue(r.err().contains("pom.xml is not a usable BPF object: not an ELF file"), r.toString());
        assertFalse(r.err().contains("Exception"), r.toString());
        r = Gew.run("object", "inspect", "no/such/file.o");
        assertEquals(4, r.exit(), "not found: " + r);
        assertTrue(r.err().contains("cannot read no/such/file.o: no such file or folder"), r.toString());
    }

    @Test
    void aBrokenObjectIsListedWithEachProblemOnItsItem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        // iproute2's map-in-map: the map and the program that uses it carry the problem, the rest is listed as usual
        Gew.Result r = Gew.run("object", "inspect", "testdata/obj/iproute2.bpf.o");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().matches("(?s).*\\ncounters +array +4 bytes +8 bytes +2 .*"), r.toString());
        assertTrue(r.out().matches("(?s).*\\nmap_outer +cannot be made: legacy map definition: an iproute2 map-in-map.*"),
                r.toString());
        assertTrue(r.out().matches("(?s).*\\nlookup_outer .*\\n +cannot be loaded: it uses map 'map_outer'.*"),
                r.toString());
        r = Gew.run("object", "inspect", "-o", "json", "testdata/obj/iproute2.bpf.o");
        ObjectReport.Builder b = ObjectReport.newBuilder();
        JsonFormat.parser().merge(r.out(), b);
        ObjectReport report = b.build();
        assertFalse(report.getUnloadable());
        assertTrue(report.getMapsList().stream().anyMatch(m -> m.getName().equals("map_outer")
                && m.getProblem().contains("inner_id 42")), report.toString());
        ProgramReport outer = report.getProgramsList().stream().filter(p -> p.getName().equals("lookup_outer"))
                .findFirst().orElseThrow();
        assertTrue(outer.getUnloadable() && outer.getProblem().contains("map_outer"), outer.toString());

        // BTF that cannot be read: the object is listed, unloadable, and says why
        byte[] bytes = java.nio.file.Files.readAllBytes(Gew.repo().resolve("testdata/obj/execcount.bpf.o"));
        byte[] magic = {(byte) 0x9f, (byte) 0xeb, 1}; // BTF's magic and version, little-endian
        for (int i = 0; i + 3 <= bytes.length; i++) {
            if (bytes[i] == magic[0] && bytes[i + 1] == magic[1] && bytes[i + 2] == magic[2]) {
                bytes[i + 2] = 9; // a BTF version no kernel has written
                break;
            }
        }
        java.nio.file.Path broken = tmp.resolve("broken.bpf.o");
        java.nio.file.Files.write(broken, bytes);
        r = Gew.run("object", "inspect", broken.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("the object cannot be loaded: .BTF: the object's BTF cannot be read"), r.toString());
        assertTrue(r.out().contains("count_execs") && r.out().contains("count_exits"), r.toString());
        assertTrue(r.out().matches("(?s).*\\nexec_counts +cannot be made: .*"), r.toString());
    }
}
