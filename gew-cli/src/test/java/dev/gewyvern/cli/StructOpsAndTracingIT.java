package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.gson.JsonObject;
import com.google.protobuf.util.JsonFormat;
import dev.gewyvern.proto.v1.DryRunReport;
import dev.gewyvern.proto.v1.RequirementBasis;
import dev.gewyvern.proto.v1.RequirementEntry;
import dev.gewyvern.proto.v1.RequirementLevel;
import org.junit.jupiter.api.Test;

/**
 * The .txtpb pipelines of struct_ops and the tracing kinds through the launcher: a congestion control
 * registered while `--run` looks at the kernel's list, and the tracing pipeline applied or refused as the
 * capability report says, its dry run showing the decoded attrs.
 */
class StructOpsAndTracingIT {
    private static final Path AVAILABLE = Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control");
    private static final Path KPROBE_PMU = Path.of("/sys/bus/event_source/devices/kprobe");

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

    /**
     * The tracing pipeline is applied or refused as the dry run's report (-o json) says, and that report follows
     * gew's capability report: a refusal names, in one line, the first requirement not supported, whose reason is
     * the report's verdict. The dry run's plan has the decoded attrs of every kind, applied or not.
     */
    @Test
    void theTracingPipelineFollowsTheReportAndItsDryRunShowsTheAttrs() throws Exception {
        Gew.requireBpf();
        Gew.Result json = Gew.run("session", "apply", "testdata/pipelines/tracing.txtpb", "--allow-risky", "--dry-run",
                "-o", "json");
        DryRunReport.Builder b = DryRunReport.newBuilder();
        JsonFormat.parser().merge(json.out(), b);
        DryRunReport dry = b.build();
        Gew.Result r = Gew.run("session", "apply", "testdata/pipelines/tracing.txtpb", "--allow-risky", "--run", "true");
        assertFalse(r.err().contains("\tat "), r.toString());
        if (dry.getVerdict() == DryRunReport.Verdict.WOULD_APPLY) {
            assertEquals(0, json.exit(), json.toString());
            assertEquals(0, r.exit(), "the dry run said it would apply: " + r);
        } else {
            assertEquals(DryRunReport.Verdict.REFUSED_NOT_SUPPORTED, dry.getVerdict(), json.toString());
            assertEquals(ExitCode.REFUSED.code(), json.exit(), json.toString());
            assertEquals(ExitCode.REFUSED.code(), r.exit(), "refused: " + r);
            RequirementEntry refused = dry.getCompatibility().getRequirementsList().stream()
                    .filter(e -> e.getLevel() == RequirementLevel.NOT_SUPPORTED).findFirst().orElseThrow();
            assertEquals(1, r.err().lines().count(), "one line: " + r);
            assertTrue(r.err().startsWith("gew: compatibility: " + refused.getKind() + " " + refused.getName() + " "),
                    "the apply names " + refused + ": " + r);
            if (refused.getBasis() == RequirementBasis.REQUIREMENT_BASIS_PROBED) {
                JsonObject c = RuntimeReport.capabilities().get(refused.getKind().replace(' ', '_') + " "
                        + refused.getName());
                assertEquals(c.get("text").getAsString(), refused.getReason(), "the report's verdict");
            } else {
                // what the kernel's BTF lacks (LoadOnlyAgainstBpftoolIT checks those against the BTF)
                assertEquals(RequirementBasis.REQUIREMENT_BASIS_KERNEL, refused.getBasis(), refused.toString());
            }
        }
        List<String> plan = dry.getPlanList();
        String pmu = Files.isDirectory(KPROBE_PMU) ? Files.readString(KPROBE_PMU.resolve("type")).trim()
                : "none (no kprobe PMU here)";
        assertTrue(plan.contains("perf_event_open KprobeEventAttr[type=" + pmu + ", config=0, config1=&\"do_unlinkat\", "
                + "config2=0] pid -1 cpu 0"), String.join("\n", plan));
        assertTrue(plan.stream().anyMatch(c -> c.startsWith("BPF_LINK_CREATE KprobeMultiLinkAttr[progFd=")
                && c.endsWith("symbols=[do_unlinkat, do_rmdir], cookies=[]]")), String.join("\n", plan));
        assertTrue(plan.stream().anyMatch(c -> c.startsWith("BPF_LINK_CREATE TracingLinkAttr[progFd=")),
                String.join("\n", plan));
    }
}
