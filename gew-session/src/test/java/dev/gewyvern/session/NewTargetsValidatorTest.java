package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.PerfEvent;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.UprobeMulti;
import dev.gewyvern.syscall.kernel.SymbolRules;
import org.junit.jupiter.api.Test;

/** uprobe_multi and hardware perf_event targets are checked before anything touches the kernel. */
class NewTargetsValidatorTest {
    private static Pipeline with(AttachTarget.Builder target) {
        Pipeline.Builder p = PipelineValidatorTest.valid();
        return p.setPrograms(0, p.getPrograms(0).toBuilder().setAttach(target)).build();
    }

    private static String error(AttachTarget.Builder target) {
        return assertThrows(SessionException.class, () -> PipelineValidator.validate(with(target))).getMessage();
    }

    private static AttachTarget.Builder multi(UprobeMulti.Builder u) {
        return AttachTarget.newBuilder().setUprobeMulti(u);
    }

    @Test
    void uprobeMultiNeedsAnAbsoluteBinaryAndSymbolsOrAPatternWithCookiesPerSymbol() {
        PipelineValidator.validate(with(multi(UprobeMulti.newBuilder().setBinary("/bin/x").addSymbols("f")
                .addSymbols("g").addCookies(1).addCookies(2))));
        PipelineValidator.validate(with(multi(UprobeMulti.newBuilder().setBinary("/bin/x").setPattern("ssl_*")
                .setPid(1))));
        assertTrue(error(multi(UprobeMulti.newBuilder().setBinary("bin/x").addSymbols("f")))
                .contains("programs[0].attach.uprobe_multi.binary: 'bin/x' must be an absolute path"));
        assertTrue(error(multi(UprobeMulti.newBuilder().setBinary("/bin/x")))
                .contains("programs[0].attach.uprobe_multi: give either symbols or a pattern"));
        assertTrue(error(multi(UprobeMulti.newBuilder().setBinary("/bin/x").addSymbols("f g")))
                .contains("programs[0].attach.uprobe_multi.symbols[0]: 'f g' is not a symbol name"));
        assertTrue(error(multi(UprobeMulti.newBuilder().setBinary("/bin/x").setPattern("a/b*")))
                .contains("programs[0].attach.uprobe_multi.pattern: 'a/b*' is not a glob over symbol names"));
        assertTrue(error(multi(UprobeMulti.newBuilder().setBinary("/bin/x").setPattern("f*").addCookies(1)))
                .contains("programs[0].attach.uprobe_multi.cookies: 1 cookies for 0 symbols"));
    }

    @Test
    void aGlobMatchesWholeNames() {
        assertTrue(SymbolRules.matches("gew_*", "gew_uprobe_target"));
        assertTrue(SymbolRules.matches("f?o", "foo"));
        assertTrue(!SymbolRules.matches("f?o", "fooo"));
        assertTrue(!SymbolRules.matches("a.b", "axb"), "a dot is a dot, not any character");
    }

    @Test
    void aPerfEventIsEitherSoftwareOrAKnownHardwareEvent() {
        PipelineValidator.validate(with(AttachTarget.newBuilder()
                .setPerfEvent(PerfEvent.newBuilder().setHardware("instructions"))));
        PipelineValidator.validate(with(AttachTarget.newBuilder()
                .setPerfEvent(PerfEvent.newBuilder().setSoftware("cpu-clock"))));
        assertTrue(error(AttachTarget.newBuilder().setPerfEvent(PerfEvent.newBuilder()))
                .contains("programs[0].attach.perf_event: give either a software or a hardware event"));
        assertTrue(error(AttachTarget.newBuilder().setPerfEvent(PerfEvent.newBuilder().setHardware("cpu-clock")))
                .contains("programs[0].attach.perf_event.hardware: 'cpu-clock' is not a hardware event"));
        assertTrue(error(AttachTarget.newBuilder().setPerfEvent(PerfEvent.newBuilder().setSoftware("CPU clock")))
                .contains("programs[0].attach.perf_event.software: 'CPU clock' is not a software event name"));
        assertEquals(true, PerfEvents.isHardware("branch-misses"));
    }
}
