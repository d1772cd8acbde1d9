package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.Tracepoint;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class PipelineValidatorTest {
    static Pipeline.Builder valid() {
        return Pipeline.newBuilder().setName("demo")
                .addObjects(BpfObject.newBuilder().setId("obj").setPath("/tmp/x.o"))
                .addPrograms(Program.newBuilder().setObject("obj").setName("prog").setAttach(AttachTarget.newBuilder()
                        .setTracepoint(Tracepoint.newBuilder().setCategory("syscalls").setName("sys_enter_execve"))));
    }

    private static String error(Pipeline p) {
        SessionException e = assertThrows(SessionException.class, () -> PipelineValidator.validate(p));
        assertEquals(Step.CREATE, e.step());
        assertEquals(SessionException.Kind.INVALID, e.kind());
        return e.getMessage();
    }

    @Test
    void aValidPipelinePasses() {
        PipelineValidator.validate(valid().build());
    }

    @Test
    void errorsNameTheFieldPath() {
        assertTrue(error(valid().setName("Bad Name").build()).contains("name:"));
        assertTrue(error(valid().setObjects(0, BpfObject.newBuilder().setId("obj").setPath("rel.o")).build())
                .contains("objects[0].path: 'rel.o' must be absolute"));
        assertTrue(error(valid().setPrograms(0, valid().getPrograms(0).toBuilder().setObject("nope")).build())
                .contains("programs[0].object"));
        assertTrue(error(valid().setPrograms(0, valid().getPrograms(0).toBuilder().clearAttach()).build())
                .contains("programs[0].attach"));
        assertTrue(error(valid().setPrograms(0, valid().getPrograms(0).toBuilder().setAttach(AttachTarget.newBuilder()
                .setTracepoint(Tracepoint.newBuilder().setCategory("../../etc").setName("x")))).build())
                .contains("programs[0].attach.tracepoint.category"));
        assertTrue(error(valid().setObjects(0, valid().getObjects(0).toBuilder().setSha256("xyz")).build())
                .contains("objects[0].sha256"));
        assertTrue(error(valid().addPrograms(valid().getPrograms(0)).build()).contains("listed twice"));
    }

    @Property(tries = 300)
    void idsThatCouldEscapeThePinRootAreRefused(@ForAll String id) {
        boolean ok = Ids.ID.matcher(id).matches();
        if (ok) {
            assertTrue(!id.contains("/") && !id.contains("..") && !id.isEmpty() && id.length() <= 63);
            return;
        }
        SessionException e = assertThrows(SessionException.class, () -> Ids.check("session id", id));
        assertTrue(e.getMessage().contains("invalid session id"));
    }

    @Test
    void traversalIdsAreRefusedBeforeAnyPath() {
        PinRoot root = new PinRoot(java.nio.file.Path.of("/sys/fs/bpf/gewyvern"));
        for (String bad : new String[] {"..", "../x", "a/b", ".hidden", "", "A", "x".repeat(64)}) {
            assertThrows(SessionException.class, () -> root.session("i1", bad), bad);
            assertThrows(SessionException.class, () -> root.instance(bad), bad);
        }
    }
}
