package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.gewyvern.proto.v1.LinkDetail;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.BtfTracepoint;
import dev.gewyvern.proto.v1.PerfEvent;
import dev.gewyvern.proto.v1.Phase;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.RawTracepoint;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.proto.v1.Uprobe;
import dev.gewyvern.syscall.kernel.KernelTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/attach.md's table of the link each kind uses ("Links used, and legacy attachments") held against the
 * kernel: every link type in it is a value of this kernel's enum bpf_link_type (so no kind needs a legacy
 * attachment here), and the kinds one session can attach without a network namespace or cgroup report
 * exactly those types in bpf_link_info.
 */
class LinkTypesKernelTest {
    /** The table's rows: kind (first cell) to link type (second cell). */
    static Map<String, String> documented() throws Exception {
        String doc = Files.readString(KernelTestSupport.repo().resolve("docs/attach.md"));
        int start = doc.indexOf("## Links used, and legacy attachments");
        assertTrue(start >= 0, "docs/attach.md has no section 'Links used, and legacy attachments'");
        String section = doc.substring(start, doc.indexOf("\n## ", start + 1));
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : section.split("\n")) {
            String[] cells = line.split("\\|");
            if (cells.length == 3 && !cells[1].isBlank() && !cells[1].contains("---") && !cells[1].trim().equals("kind")) {
                rows.put(cells[1].trim(), cells[2].trim());
            }
        }
        assertTrue(rows.size() >= 10, "the table: " + rows);
        return rows;
    }

    /**
     * Every documented link type is one of the kernel's, where the kernel has the kind at all: a kind the
     * capability report calls absent may name a link type newer than the kernel.
     */
    @Test
    void everyDocumentedLinkTypeIsOneOfThisKernels() throws Exception {
        dev.gewyvern.syscall.probes.Capabilities caps = dev.gewyvern.syscall.probes.Capabilities.withoutHelpers();
        for (Map.Entry<String, String> row : documented().entrySet()) {
            String constant = "BPF_LINK_TYPE_" + row.getValue().toUpperCase(java.util.Locale.ROOT);
            if (KernelTypes.running().value("bpf_link_type", constant) > 0) {
                continue;
            }
            for (String kind : row.getKey().split(",")) {
                String name = kind.trim().split(" ")[0];
                dev.gewyvern.syscall.probes.Support s = caps.support(dev.gewyvern.syscall.probes.Capability.Category.ATTACH_KIND, name);
                assertTrue(s instanceof dev.gewyvern.syscall.probes.Support.NotSupported ns
                        && ns.why() == dev.gewyvern.syscall.probes.Support.Why.ABSENT,
                        row.getKey() + ": this kernel's enum bpf_link_type has no " + constant + ", yet the report says "
                        + name + " is " + s);
            }
        }
    }

    /** One program of attachkinds.bpf.o, the kind (a row of the table) it is, and its target. */
    private record Row(String program, String kind, AttachTarget target) {}

    @Test
    void theLinksASessionMakesHaveTheDocumentedTypes(@TempDir Path tmp) throws Exception {
        KernelTestSupport.requireBpf();
        Map<String, String> doc = documented();
        Path bin = TestCommands.uprobeTarget(tmp);
        String exec = "sched_process_exec";
        java.util.List<Row> rows = java.util.List.of(
                new Row("count_raw_tp", "raw_tp", AttachTarget.newBuilder().setRawTracepoint(
                        RawTracepoint.newBuilder().setName(exec)).build()),
                new Row("count_tp_btf", "tp_btf", AttachTarget.newBuilder().setBtfTracepoint(
                        BtfTracepoint.newBuilder().setName(exec)).build()),
                new Row("count_perf", "perf_event (software, hardware)", AttachTarget.newBuilder().setPerfEvent(
                        PerfEvent.newBuilder().setSoftware("cpu-clock")).build()),
                new Row("count_uprobe", "uprobe, uretprobe", AttachTarget.newBuilder().setUprobe(
                        Uprobe.newBuilder().setBinary(bin.toString()).setSymbol("gew_uprobe_target")).build()),
                new Row("list_tasks", "iter", AttachTarget.newBuilder().setIter(
                        dev.gewyvern.proto.v1.Iterator.newBuilder().setTarget("task")).build()));
        Pipeline.Builder pipeline = Pipeline.newBuilder().setName("linktypes").addObjects(BpfObject.newBuilder()
                .setId("attachkinds").setPath(KernelTestSupport.testdata("obj/attachkinds.bpf.o").toString()));
        Map<String, String> kinds = new LinkedHashMap<>();
        for (Row r : rows) {
            pipeline.addPrograms(Program.newBuilder().setObject("attachkinds").setName(r.program()).setAttach(r.target()));
            kinds.put(r.program(), r.kind());
        }
        try (Engine engine = Engine.start(new PinRoot(PinRoot.DEFAULT), "LinkTypesKernelTest", RiskPolicy.DEFAULT)) {
            SessionRecord rec = engine.apply(pipeline.build(), PhaseListener.SILENT, 1);
            assertEquals(Phase.COMMITTED, rec.getPhase());
            Map<String, String> seen = new LinkedHashMap<>();
            for (LinkDetail l : engine.show(rec.getSessionId(), 1).getLinksList()) {
                seen.put(l.getName(), l.getType());
            }
            assertEquals(kinds.keySet(), seen.keySet());
            for (Map.Entry<String, String> k : kinds.entrySet()) {
                assertEquals(doc.get(k.getValue()), seen.get(k.getKey()), k.getValue() + " (" + k.getKey() + ")");
            }
            SessionLinks.detachAndCheckGone(engine, rec, kinds.size());
        }
    }
}
