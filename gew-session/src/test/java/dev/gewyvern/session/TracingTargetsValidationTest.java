package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.Freplace;
import dev.gewyvern.proto.v1.Kprobe;
import dev.gewyvern.proto.v1.KprobeMulti;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.StructOps;
import dev.gewyvern.proto.v1.Tracing;
import org.junit.jupiter.api.Test;

/** The tracing, kprobe, kprobe_multi, freplace and struct_ops targets, checked before anything touches the kernel. */
class TracingTargetsValidationTest {
    private static Pipeline with(AttachTarget.Builder target) {
        Pipeline.Builder b = PipelineValidatorTest.valid();
        return b.setPrograms(0, b.getPrograms(0).toBuilder().setAttach(target)).build();
    }

    private static String error(AttachTarget.Builder target) {
        SessionException e = assertThrows(SessionException.class, () -> PipelineValidator.validate(with(target)));
        assertEquals(Step.CREATE, e.step());
        assertEquals(SessionException.Kind.INVALID, e.kind());
        return e.getMessage();
    }

    @Test
    void wellFormedTargetsPass() {
        PipelineValidator.validate(with(AttachTarget.newBuilder().setTracing(Tracing.newBuilder().setFunction("do_unlinkat"))));
        PipelineValidator.validate(with(AttachTarget.newBuilder().setKprobe(Kprobe.newBuilder().setFunction("vfs_read")
                .setOffset(16))));
        PipelineValidator.validate(with(AttachTarget.newBuilder().setKprobeMulti(KprobeMulti.newBuilder()
                .setPattern("do_unlink*"))));
        PipelineValidator.validate(with(AttachTarget.newBuilder().setKprobeMulti(KprobeMulti.newBuilder()
                .addSymbols("a").addSymbols("b"))));
        PipelineValidator.validate(with(AttachTarget.newBuilder().setFreplace(Freplace.newBuilder().setProgram("x"))));
        PipelineValidator.validate(with(AttachTarget.newBuilder().setFreplace(Freplace.newBuilder()
                .setPinned("/sys/fs/bpf/p"))));
        PipelineValidator.validate(with(AttachTarget.newBuilder().setStructOps(StructOps.getDefaultInstance())));
    }

    @Test
    void eachMistakeIsNamedByItsFieldPath() {
        assertEquals("invalid pipeline: programs[0].attach.tracing.function: '' is not a function name",
                error(AttachTarget.newBuilder().setTracing(Tracing.newBuilder())));
        assertEquals("invalid pipeline: programs[0].attach.kprobe.function: 'a b' is not a function name",
                error(AttachTarget.newBuilder().setKprobe(Kprobe.newBuilder().setFunction("a b"))));
        assertEquals("invalid pipeline: programs[0].attach.kprobe_multi: give either symbols or a pattern, not neither",
                error(AttachTarget.newBuilder().setKprobeMulti(KprobeMulti.newBuilder())));
        assertEquals("invalid pipeline: programs[0].attach.kprobe_multi: give either symbols or a pattern, not both",
                error(AttachTarget.newBuilder().setKprobeMulti(KprobeMulti.newBuilder().addSymbols("a").setPattern("b*"))));
        assertEquals("invalid pipeline: programs[0].attach.kprobe_multi.symbols[1]: '../x' is not a function name",
                error(AttachTarget.newBuilder().setKprobeMulti(KprobeMulti.newBuilder().addSymbols("a").addSymbols("../x"))));
        assertEquals("invalid pipeline: programs[0].attach.kprobe_multi.pattern: 'do_[a-z]*' is not a glob of function "
                + "names (letters, digits, _, * and ?)",
                error(AttachTarget.newBuilder().setKprobeMulti(KprobeMulti.newBuilder().setPattern("do_[a-z]*"))));
        assertEquals("invalid pipeline: programs[0].attach.kprobe_multi.cookies: 1 cookies for 2 symbols: give one per "
                + "symbol, in their order (cookies need symbols, not a pattern)",
                error(AttachTarget.newBuilder().setKprobeMulti(KprobeMulti.newBuilder().addSymbols("a").addSymbols("b")
                        .addCookies(7))));
        assertEquals("invalid pipeline: programs[0].attach.kprobe_multi.cookies: 1 cookies for 0 symbols: give one per "
                + "symbol, in their order (cookies need symbols, not a pattern)",
                error(AttachTarget.newBuilder().setKprobeMulti(KprobeMulti.newBuilder().setPattern("do_*").addCookies(7))));
        assertEquals("invalid pipeline: programs[0].attach.freplace: name the target: a program of this session, or "
                + "the path of a pinned program", error(AttachTarget.newBuilder().setFreplace(Freplace.newBuilder())));
        assertEquals("invalid pipeline: programs[0].attach.freplace.program: 'a-b' must be a C identifier",
                error(AttachTarget.newBuilder().setFreplace(Freplace.newBuilder().setProgram("a-b"))));
        assertEquals("invalid pipeline: programs[0].attach.freplace.pinned: 'rel/p' must be an absolute path without '..'",
                error(AttachTarget.newBuilder().setFreplace(Freplace.newBuilder().setPinned("rel/p"))));
    }
}
