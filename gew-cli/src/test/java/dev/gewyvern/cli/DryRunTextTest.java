package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gewyvern.proto.v1.CompatibilityReport;
import dev.gewyvern.proto.v1.DryRunReport;
import dev.gewyvern.proto.v1.NotSupportedReason;
import dev.gewyvern.proto.v1.RequirementBasis;
import dev.gewyvern.proto.v1.RequirementEntry;
import dev.gewyvern.proto.v1.RequirementLevel;
import org.junit.jupiter.api.Test;

/** The dry run's report as a table (golden) and as JSON (its message's shape). */
class DryRunTextTest {
    private static DryRunReport report(DryRunReport.Verdict verdict) {
        return DryRunReport.newBuilder().setCompatibility(CompatibilityReport.newBuilder().setAdmissible(
                        verdict != DryRunReport.Verdict.REFUSED_NOT_SUPPORTED)
                .addRequirements(RequirementEntry.newBuilder().setKind("program type").setName("tracepoint")
                        .setLevel(RequirementLevel.FULLY_SUPPORTED).setBasis(RequirementBasis.REQUIREMENT_BASIS_PROBED)
                        .setNeededBy("execcount/count_execs, execcount/count_exits").setReason("supported"))
                .addRequirements(RequirementEntry.newBuilder().setKind("attach kind").setName("fentry")
                        .setLevel(RequirementLevel.NOT_SUPPORTED).setBasis(RequirementBasis.REQUIREMENT_BASIS_PROBED)
                        .setWhy(NotSupportedReason.NOT_SUPPORTED_REASON_REFUSED_BY_POLICY)
                        .setNeededBy("tracing/t_fentry").setReason("not supported: refused by policy (BPF_TRACE_FENTRY "
                                + "against bpf_fentry_test1: BPF_PROG_LOAD as root got EPERM, empty verifier log)")))
                .addPlan("BPF_MAP_CREATE MapCreateAttr[mapType=1, keySize=4, valueSize=8, maxEntries=10240, "
                        + "mapFlags=0, innerMapFd=0, numaNode=0, mapName=exec_counts, mapIfindex=0, btfFd=1000000, "
                        + "btfKeyTypeId=0, btfValueTypeId=0, btfVmlinuxValueTypeId=0, mapExtra=0]")
                .setVerdict(verdict).setVerifierOnly(0).build();
    }

    @Test
    void aRefusedDryRunPrintsItsRequirementsVerdictAndPlanWithin120Columns() {
        StringWriter s = new StringWriter();
        DryRunText.print(new PrintWriter(s), report(DryRunReport.Verdict.REFUSED_NOT_SUPPORTED), false);
        Golden.check("dry-run-refused.txt", s.toString());
    }

    @Test
    void jsonHasTheVerdictAndTheRequirementsTyped() {
        JsonObject o = JsonParser.parseString(ReportJson.of(report(DryRunReport.Verdict.REFUSED_NOT_SUPPORTED)))
                .getAsJsonObject();
        assertEquals("REFUSED_NOT_SUPPORTED", o.get("verdict").getAsString());
        JsonObject fentry = o.getAsJsonObject("compatibility").getAsJsonArray("requirements").get(1).getAsJsonObject();
        assertEquals("NOT_SUPPORTED", fentry.get("level").getAsString());
        assertEquals("NOT_SUPPORTED_REASON_REFUSED_BY_POLICY", fentry.get("why").getAsString());
        assertEquals(false, o.getAsJsonObject("compatibility").get("admissible").getAsBoolean());
    }
}
