package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.session.AttachSpec;
import org.junit.jupiter.api.Test;

/** The --attach forms for hardware perf events and uprobe.multi, and how show writes them back. */
class NewAttachFormsTest {
    @Test
    void aHardwareEventNameMakesAHardwarePerfEvent() {
        AttachTarget hw = PipelineFiles.target("perf_event:cpu-cycles:2:100000");
        assertEquals("cpu-cycles", hw.getPerfEvent().getHardware());
        assertEquals("", hw.getPerfEvent().getSoftware());
        assertEquals(2, hw.getPerfEvent().getCpu());
        assertEquals(100000, hw.getPerfEvent().getSamplePeriod());
        assertEquals("instructions", PipelineFiles.target("perf_event:instructions").getPerfEvent().getHardware());
        assertEquals("cpu-clock", PipelineFiles.target("perf_event:cpu-clock").getPerfEvent().getSoftware());
        assertEquals("perf_event:cpu-cycles:2:100000", AttachSpec.format(hw), "the period prints too, so the text parses back to the same event");
    }

    @Test
    void netkitIsANetdevTarget() {
        AttachTarget nk = PipelineFiles.target("netkit:nk0@blue");
        assertEquals("nk0", nk.getNetdev().getName());
        assertEquals("/run/netns/blue", nk.getNetdev().getNetns());
    }

    @Test
    void uprobeMultiTakesSymbolsOrAGlob() {
        AttachTarget named = PipelineFiles.target("uprobe.multi:/bin/x:f,g");
        assertEquals("/bin/x", named.getUprobeMulti().getBinary());
        assertEquals(List.of("f", "g"), named.getUprobeMulti().getSymbolsList());
        assertEquals("uprobe.multi:/bin/x:f,g", AttachSpec.format(named));
        AttachTarget glob = PipelineFiles.target("uretprobe.multi:/bin/x:ssl_*");
        assertEquals("ssl_*", glob.getUprobeMulti().getPattern());
        assertEquals(List.of(), glob.getUprobeMulti().getSymbolsList());
    }
}
