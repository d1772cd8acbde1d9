package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.google.protobuf.util.JsonFormat;
import dev.gewyvern.proto.v1.DryRunReport;
import org.junit.jupiter.api.Test;

/**
 * The .txtpb pipelines of struct_ops and the tracing kinds through the launcher: a congestion control
 * registered while `--run` looks at the kernel's list, and on this kernel the tracing pipeline refused in
 * one line naming the capability report's reason, its dry run showing the decoded attrs.
 */
class StructOpsAndTracingIT {
    private static final Path AVAILABLE = Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control");

    @Test
    void theStructOpsPipelineRegistersItsCongestionControlForTheSessionOnly() throws Exception {
        Gew.requireBpf();
        assertFalse(Files.readString(AVAILABLE).contains("gew_test_ca"), Files.readString(AVAILABLE));
        Gew.Result r = Gew.run("session", "apply", "testdata/pipelines/struct_ops.txtpb", "--allow-risky",
                "--run", "cat " + AVAILABLE);
        assertEquals(0, r.exit(), r.toString());
        // through a link where the kernel has BPF_F_LINK, else by map update once pinned (one pin fewer)
        boolean byLink = dev.gewyvern.syscall.kernel.KernelTypes.running().constant("BPF_F_LINK") >= 0;
        assertTrue(r.out().contains((byLink ? "attach " : "commit ") + "  struct_ops map gew_test_ca -> registered as a "
                + "tcp_congestion_ops"), r.toString());
        assertTrue(r.out().matches("(?s).*\nreno .*gew_test_ca\n.*"), "listed while the session lives: " + r);
        assertTrue(r.out().contains(byLink ? "(8 pins removed)" : "(7 pins removed)"), r.toString());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Files.readString(AVAILABLE).contains("gew_test_ca") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(Files.readString(AVAILABLE).contains("gew_test_ca"), "gone after detach");

        Gew.Result risky = Gew.run("session", "apply", "testdata/pipelines/struct_ops.txtpb");
        assertEquals(3, risky.exit(), "refused: " + risky);
        assertTrue(risky.err().contains("program type struct_ops (needed by struct_ops/gew_test_ca) is risky"),
                risky.toString());
    }

    @Test
    void theTracingPipelineIsRefusedWithTheReportsReasonAndItsDryRunShowsTheAttrs() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("session", "apply", "testdata/pipelines/tracing.txtpb", "--allow-risky");
        if (Files.isDirectory(Path.of("/sys/bus/event_source/devices/kprobe"))) {
            return; // a kernel with kprobes: what it refuses, if anything, is another kernel's answer
        }
        assertEquals(3, r.exit(), "refused: " + r);
        assertTrue(r.err().matches("gew: compatibility: .* \\(needed by tracing_kinds/\\w+\\) is not supported here: "
                + "(refused by policy|config missing) \\(.*\\); `gew runtime info --verbose` lists what this kernel "
                + "allows\n"), r.toString());
        assertFalse(r.err().contains("\tat "), r.toString());

        Gew.Result dry = Gew.run("session", "apply", "testdata/pipelines/tracing.txtpb", "--dry-run", "-o", "json");
        // the apply's own exit code for a refusal before any kernel call
        assertEquals(ExitCode.REFUSED.code(), dry.exit(), dry.toString());
        DryRunReport.Builder report = DryRunReport.newBuilder();
        JsonFormat.parser().merge(dry.out(), report);
        assertEquals(DryRunReport.Verdict.REFUSED_NOT_SUPPORTED, report.getVerdict(), dry.toString());
        // the planned calls, one per entry, as decoded attr values
        java.util.List<String> plan = report.getPlanList();
        assertTrue(plan.stream().anyMatch(c -> c.contains("perf_event_open KprobeEventAttr[type=none (no kprobe PMU "
                + "here), config=0, config1=&\"do_unlinkat\", config2=0] pid -1 cpu 0")), dry.toString());
        assertTrue(plan.stream().anyMatch(c -> c.contains("BPF_LINK_CREATE KprobeMultiLinkAttr[progFd=")
                && c.contains("symbols=[do_unlinkat, do_rmdir], cookies=[]]")), dry.toString());
        assertTrue(plan.stream().anyMatch(c -> c.contains("BPF_LINK_CREATE TracingLinkAttr[progFd=")), dry.toString());
    }
}
