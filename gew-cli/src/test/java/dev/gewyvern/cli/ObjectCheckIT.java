package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.gewyvern.proto.v1.ObjectCheck;
import dev.gewyvern.proto.v1.ObjectCheckReport;
import dev.gewyvern.proto.v1.ProgramCheck;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code gew object check} through the launcher, on the running kernel: an object that loads whole, one
 * with a program its own object says cannot be loaded, and one whose programs are poisoned by CO-RE
 * relocations that find nothing here, program by program; text, JSON that parses back, exit status.
 */
class ObjectCheckIT {
    private static final String EXECCOUNT = "testdata/obj/execcount.bpf.o";
    private static final String IPROUTE2 = "testdata/obj/iproute2.bpf.o";
    private static final String CORE_RELOC = "testdata/obj/core_reloc.bpf.o";

    @BeforeEach
    void kernel() {
        Gew.requireBpf();
    }

    private static ObjectCheckReport json(Gew.Result r) throws Exception {
        ObjectCheckReport.Builder b = ObjectCheckReport.newBuilder();
        JsonFormat.parser().merge(r.out(), b);
        return b.build();
    }

    private static ProgramCheck program(ObjectCheck o, String name) {
        return o.getProgramsList().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void eachObjectWholeAndProgramByProgram() throws Exception {
        Gew.Result r = Gew.run("object", "check", "-o", "json", EXECCOUNT, IPROUTE2, CORE_RELOC);
        assertEquals(1, r.exit(), "an object does not load whole: " + r);
        ObjectCheckReport report = json(r);
        assertEquals(System.getProperty("os.version"), report.getKernelRelease());
        ObjectCheck exec = report.getObjects(0);
        assertTrue(exec.getLoads() && exec.getReason().isEmpty(), exec.toString());
        for (ProgramCheck p : exec.getProgramsList()) {
            assertTrue(p.getLoads() && p.getTrial() == ProgramCheck.Trial.WITH_OBJECT, p.toString());
            assertTrue(p.getVerification().getProcessedInsns() > 0 && p.getVerification().getLoadCallNs() > 0,
                    p.toString());
        }
        ObjectCheck ip = report.getObjects(1);
        assertFalse(ip.getLoads());
        assertTrue(ip.getReason().contains("1 of its 2 programs cannot be loaded"), ip.getReason());
        assertTrue(program(ip, "count_packets").getLoads());
        ProgramCheck outer = program(ip, "lookup_outer");
        assertEquals(ProgramCheck.Trial.NOT_TRIED, outer.getTrial());
        assertTrue(outer.getReason().contains("iproute2 map-in-map"), outer.toString());
        ObjectCheck core = report.getObjects(2);
        assertFalse(core.getLoads());
        assertTrue(program(core, "read_enums").getLoads());
        assertEquals(ProgramCheck.Trial.ALONE, program(core, "read_enums").getTrial());
        ProgramCheck fields = program(core, "read_fields");
        assertFalse(fields.getLoads());
        assertTrue(fields.getReason().startsWith("CO-RE: ") && fields.getReason().contains("core_reloc.bpf.c:")
                && fields.getReason().contains("no type named core_reloc_fields"), fields.getReason());
        assertTrue(fields.getVerification().getProcessedInsns() > 0, "the verifier's log said what it processed");
    }

    @Test
    void textAndEach() throws Exception {
        Gew.Result r = Gew.run("object", "check", "--each", EXECCOUNT);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains(EXECCOUNT + ": loads"), r.toString());
        assertTrue(r.out().matches("(?s).*\\n  count_execs +tracepoint +loads +alone +\\d+ .*"), r.toString());
        assertTrue(r.out().contains("1 of 1 objects load whole; 2 of 2 programs load"), r.toString());
        r = Gew.run("object", "check", "--map-size", "nope", EXECCOUNT);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("NAME=ENTRIES"), r.toString());
    }
}
