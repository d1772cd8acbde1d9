package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.session.AttachSpec;
import org.junit.jupiter.api.Test;

/** The --attach forms of fentry, fexit, fmod_ret, lsm, kprobes, freplace and struct_ops, and back. */
class TracingTargetFormsTest {
    @Test
    void eachFormBecomesItsTargetAndPrintsBack() {
        for (String kind : List.of("fentry", "fexit", "fmod_ret", "lsm")) {
            assertEquals("do_unlinkat", PipelineFiles.target(kind + ":do_unlinkat").getTracing().getFunction(), kind);
        }
        AttachTarget kp = PipelineFiles.target("kprobe:do_unlinkat+0x10");
        assertEquals("do_unlinkat", kp.getKprobe().getFunction());
        assertEquals(16, kp.getKprobe().getOffset());
        assertEquals("kprobe:do_unlinkat+16", AttachSpec.format(kp));
        assertEquals(0, PipelineFiles.target("kretprobe:do_unlinkat").getKprobe().getOffset());
        AttachTarget symbols = PipelineFiles.target("kprobe.multi:do_unlinkat,do_rmdir");
        assertEquals(List.of("do_unlinkat", "do_rmdir"), symbols.getKprobeMulti().getSymbolsList());
        assertEquals("", symbols.getKprobeMulti().getPattern());
        assertEquals("kprobe.multi:do_unlinkat,do_rmdir", AttachSpec.format(symbols));
        AttachTarget glob = PipelineFiles.target("kretprobe.multi:do_unlink*");
        assertEquals("do_unlink*", glob.getKprobeMulti().getPattern());
        assertEquals(0, glob.getKprobeMulti().getSymbolsCount());
        assertEquals("on_sys_enter", PipelineFiles.target("freplace:on_sys_enter").getFreplace().getProgram());
        assertEquals("/sys/fs/bpf/x/prog", PipelineFiles.target("freplace:/sys/fs/bpf/x/prog").getFreplace().getPinned());
        assertTrue(PipelineFiles.target("struct_ops").hasStructOps());
        assertEquals("struct_ops", AttachSpec.format(PipelineFiles.target("struct_ops")));
    }

    @Test
    void malformedFormsSayWhatIsWanted() {
        for (String bad : new String[] {"kprobe:", "kprobe:f+x", "kretprobe.multi:", "freplace:", "struct_ops:x",
            "lsm:a:b"}) {
            UserError e = assertThrows(UserError.class, () -> PipelineFiles.target(bad), bad);
            assertTrue(e.getMessage().startsWith("--attach '" + bad + "'"), e.getMessage());
        }
        assertTrue(assertThrows(UserError.class, () -> PipelineFiles.target("kprobe:f+x")).getMessage()
                .contains("OFFSET is a number"));
    }
}
