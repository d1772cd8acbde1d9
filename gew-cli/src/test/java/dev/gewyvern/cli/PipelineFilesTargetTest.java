package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gewyvern.proto.v1.AttachTarget;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The --attach forms, each to its AttachTarget. */
class PipelineFilesTargetTest {
    @Test
    void everyFormBecomesItsTarget() {
        assertEquals("sched", PipelineFiles.target("tracepoint:sched:sched_switch").getTracepoint().getCategory());
        assertEquals("sched_switch", PipelineFiles.target("raw_tp:sched_switch").getRawTracepoint().getName());
        assertEquals("sched_switch", PipelineFiles.target("tp_btf:sched_switch").getBtfTracepoint().getName());
        AttachTarget pe = PipelineFiles.target("perf_event:cpu-clock:1:5000");
        assertEquals("cpu-clock", pe.getPerfEvent().getSoftware());
        assertEquals(1, pe.getPerfEvent().getCpu());
        assertEquals(5000, pe.getPerfEvent().getSamplePeriod());
        assertEquals("/sys/fs/cgroup/unified/x", PipelineFiles.target("cgroup:/sys/fs/cgroup/unified/x").getCgroup().getPath());
        AttachTarget xdp = PipelineFiles.target("xdp:veth0@blue");
        assertEquals("veth0", xdp.getNetdev().getName());
        assertEquals("/run/netns/blue", xdp.getNetdev().getNetns());
        assertEquals("", PipelineFiles.target("tcx:lo").getNetdev().getNetns());
        assertEquals("/proc/1/ns/net", PipelineFiles.target("sk_lookup:/proc/1/ns/net").getNetns().getPath());
        assertEquals("/run/netns/red", PipelineFiles.target("flow_dissector:red").getNetns().getPath());
        AttachTarget up = PipelineFiles.target("uprobe:/usr/lib/x86_64-linux-gnu/libc.so.6:malloc");
        assertEquals("/usr/lib/x86_64-linux-gnu/libc.so.6", up.getUprobe().getBinary());
        assertEquals("malloc", up.getUprobe().getSymbol());
        assertEquals("task", PipelineFiles.target("iter:task").getIter().getTarget());
        AttachTarget nf = PipelineFiles.target("netfilter:ipv4:local_in:100@blue");
        assertEquals("local_in", nf.getNetfilter().getHook());
        assertEquals(100, nf.getNetfilter().getPriority());
        assertEquals("/run/netns/blue", nf.getNetfilter().getNetns());
    }

    @Test
    void malformedAndUnattachableFormsSayWhatIsWanted() {
        for (String bad : new String[] {"raw_tp:", "tracepoint:x", "perf_event:cpu-clock:one", "xdp:@ns", "nope:x",
            "cgroup:", "kprobe:", "fentry:", "uprobe:nosymbol", "netfilter:ipv4:local_in:x"}) {
            UserError e = assertThrows(UserError.class, () -> PipelineFiles.target(bad), bad);
            assertTrue(e.getMessage().startsWith("--attach '" + bad + "'"), e.getMessage());
        }
    }

    @Property
    void namesAndCpusRoundTrip(@ForAll @AlphaChars @StringLength(min = 1, max = 30) String name,
                               @ForAll @IntRange(min = 0, max = 4095) int cpu) {
        assertEquals(name, PipelineFiles.target("raw_tp:" + name).getRawTracepoint().getName());
        assertEquals(name, PipelineFiles.target("tcx:" + name + "@" + name).getNetdev().getName());
        assertEquals(cpu, PipelineFiles.target("perf_event:" + name + ":" + cpu).getPerfEvent().getCpu());
    }
}
