package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.protobuf.ByteString;
import dev.gewyvern.elf.BpfProgram;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.Pipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A prepared pipeline reads and parses each object once; what it checked is what it keeps. No kernel. */
class PreparedPipelineTest {
    private static final Path EXECCOUNT = KernelTestSupport.testdata("obj/execcount.bpf.o");

    private static Pipeline.Builder pipeline(BpfObject.Builder object) {
        return Pipeline.newBuilder().setName("prepared").addObjects(object.setId("o"))
                .addPrograms(EngineKernelTest.tp("count_execs", "syscalls", "sys_enter_execve").toBuilder().setObject("o"));
    }

    @Test
    void theBytesAreReadOnceSoAChangedFileIsNotReadAgain(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("execcount.bpf.o");
        Files.copy(EXECCOUNT, copy);
        PreparedPipeline p = PreparedPipeline.of(pipeline(BpfObject.newBuilder().setPath(copy.toString())).build());
        Files.write(copy, new byte[] {1, 2, 3}); // would no longer parse
        PreparedObject o = p.object("o");
        assertEquals(List.of("count_execs", "count_exits"), o.parsed().programs().stream().map(BpfProgram::name).toList());
        assertEquals(PreparedObject.sha256(Files.readAllBytes(EXECCOUNT)), o.sha256());
        assertSame(o.parsed(), p.objects().get("o").parsed());
    }

    @Test
    void aPathPipelineIsRecordedAsGivenAndInlineBytesAsTheirSha256() throws Exception {
        Pipeline byPath = pipeline(BpfObject.newBuilder().setPath(EXECCOUNT.toString())).build();
        assertSame(byPath, PreparedPipeline.of(byPath).recorded());

        byte[] bytes = Files.readAllBytes(EXECCOUNT);
        Pipeline inline = pipeline(BpfObject.newBuilder().setContent(ByteString.copyFrom(bytes))).build();
        BpfObject recorded = PreparedPipeline.of(inline).recorded().getObjects(0);
        assertTrue(recorded.getContent().isEmpty());
        assertEquals(PreparedObject.sha256(bytes), recorded.getSha256());
    }

    /** It names the digest the pipeline expects, never the file's own (issue 12 item 6: no error quotes a digest). */
    @Test
    void aWrongSha256NamesTheExpectedDigestOnly() throws Exception {
        SessionException e = assertThrows(SessionException.class, () -> PreparedPipeline.of(
                pipeline(BpfObject.newBuilder().setPath(EXECCOUNT.toString()).setSha256("0".repeat(64))).build()));
        assertEquals(Step.STAGE, e.step());
        assertEquals(SessionException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains("does not have the SHA-256 the pipeline expects (" + "0".repeat(64) + ")"),
                e.getMessage());
        assertFalse(e.getMessage().contains(PreparedObject.sha256(Files.readAllBytes(EXECCOUNT))), e.getMessage());
    }

    @Test
    void anUnreadableOrBrokenObjectIsAStageErrorNamingIt(@TempDir Path dir) throws Exception {
        SessionException missing = assertThrows(SessionException.class, () -> PreparedPipeline.of(
                pipeline(BpfObject.newBuilder().setPath(dir.resolve("none.o").toString())).build()));
        assertTrue(missing.getMessage().startsWith("cannot read object 'o' at "), missing.getMessage());
        assertEquals(SessionException.Kind.NOT_FOUND, missing.kind());
        Path junk = Files.write(dir.resolve("junk.o"), new byte[] {1, 2, 3});
        SessionException broken = assertThrows(SessionException.class, () -> PreparedPipeline.of(
                pipeline(BpfObject.newBuilder().setPath(junk.toString())).build()));
        assertTrue(broken.getMessage().contains("is not a usable BPF object"), broken.getMessage());
        assertEquals(SessionException.Kind.INVALID, broken.kind());
    }

    @Test
    void anInvalidPipelineIsRefusedBeforeAnyFileIsRead() {
        SessionException e = assertThrows(SessionException.class, () -> PreparedPipeline.of(
                pipeline(BpfObject.newBuilder().setPath("relative.o")).build()));
        assertTrue(e.getMessage().contains("objects[0].path"), e.getMessage());
    }
}
