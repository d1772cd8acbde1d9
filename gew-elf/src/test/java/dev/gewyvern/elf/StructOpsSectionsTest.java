package dev.gewyvern.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** testdata/src/struct_ops.bpf.c's .struct_ops.link variable, read in both byte orders. */
class StructOpsSectionsTest {
    @Test
    void theCongestionControlVariableNamesItsProgramsByMember() {
        for (String file : List.of("struct_ops.bpf.o", "struct_ops.bpfeb.o")) {
            BpfObject o = BpfObject.parse(TestObjects.testdata(file));
            assertEquals(List.of("gew_test_ca_plain", "gew_test_ca"), o.structOps().stream().map(StructOpsMap::name)
                    .toList(), file);
            StructOpsMap plain = o.structOps("gew_test_ca_plain").orElseThrow();
            assertEquals(StructOpsMap.SECTION, plain.section());
            assertFalse(plain.link());
            assertEquals(List.of("gew_plain_ssthresh", "gew_plain_cong_avoid", "gew_plain_undo_cwnd"), plain.programs());
            StructOpsMap m = o.structOps("gew_test_ca").orElseThrow();
            assertEquals(StructOpsMap.LINK_SECTION, m.section());
            assertTrue(m.link());
            assertEquals("tcp_congestion_ops", m.typeName());
            assertEquals(List.of("ssthresh", "cong_avoid", "undo_cwnd", "init", "name", "flags"),
                    m.members().stream().map(StructOpsMap.Member::name).toList(), file);
            assertEquals(List.of(Optional.of("gew_ssthresh"), Optional.of("gew_cong_avoid"),
                    Optional.of("gew_undo_cwnd"), Optional.of("gew_init"), Optional.empty(), Optional.empty()),
                    m.members().stream().map(StructOpsMap.Member::program).toList(), file);
            assertEquals(List.of(true, true, true, true, false, false),
                    m.members().stream().map(StructOpsMap.Member::functionPointer).toList(), file);
            StructOpsMap.Member name = m.members().get(4);
            assertEquals(32, name.offset());
            assertEquals(16, name.size());
            byte[] text = Arrays.copyOfRange(m.data(), name.offset(), name.offset() + name.size());
            assertEquals("gew_test_ca", new String(text, StandardCharsets.US_ASCII).replace("\0", ""));
            assertEquals(56, m.data().length);
            // the programs are ordinary struct_ops programs of the object, loadable with their map
            for (String p : m.programs()) {
                BpfProgram prog = o.program(p).orElseThrow();
                assertEquals(ProgramSection.Target.STRUCT_OPS, prog.section().orElseThrow().kind().target());
                assertFalse(prog.problem().isPresent(), p + ": " + prog.problem());
            }
        }
    }

    @Test
    void objectsWithoutStructOpsHaveNone() {
        assertTrue(BpfObject.parse(TestObjects.testdata("attachkinds.bpf.o")).structOps().isEmpty());
    }
}
