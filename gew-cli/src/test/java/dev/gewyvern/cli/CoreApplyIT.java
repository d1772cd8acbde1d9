package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.gewyvern.proto.v1.DryRunReport;
import dev.gewyvern.proto.v1.RequirementBasis;
import dev.gewyvern.proto.v1.RequirementEntry;
import dev.gewyvern.proto.v1.RequirementLevel;
import org.junit.jupiter.api.Test;

/**
 * An object with CO-RE relocations through the launcher: relocated against the running kernel it
 * loads; against a BTF without its type its poisoned instruction is refused by the verifier, and
 * the error names the relocation and its source line before the verifier's log.
 */
class CoreApplyIT {
    private static final String CORE = "testdata/obj/core.bpf.o";

    @Test
    void relocatedAgainstTheRunningKernelTheObjectLoads() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("session", "apply", "--object", CORE, "--load-only", "--duration", "100ms");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("verify   program read_tgid: verified"), r.toString());
    }

    @Test
    void againstABtfWithoutItsTypeTheErrorNamesTheRelocationAndLine() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("session", "apply", "--object", CORE, "--load-only", "--target-btf",
                "testdata/obj/globals.bpf.o", "--duration", "100ms");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("rolled back"), r.toString());
        assertTrue(r.err().contains("CO-RE relocation #0 at insn 1 (./src/core.bpf.c:23)"), r.toString());
        assertTrue(r.err().contains("byte_off of struct task_struct.tgid"), r.toString());
        assertTrue(r.err().contains("no type named task_struct in "), r.toString());
        assertTrue(r.err().contains("invalid func unknown#195896080"), "the verifier's log follows: " + r);

        Gew.Result wrong = Gew.run("session", "apply", "--object", CORE, "--load-only", "--target-btf",
                "/nonexistent/btf", "--duration", "100ms");
        assertEquals(4, wrong.exit(), "not found: " + wrong);
        assertTrue(wrong.err().contains("cannot read target BTF at /nonexistent/btf: no such file or folder"), wrong.toString());
    }

    @Test
    void theCompatibilityReportResolvesRelocationsWithoutLoading() throws Exception {
        Gew.requireBpf();
        // read by its fields (-o json): the text table wraps reasons at a width that depends on the paths
        Gew.Result r = Gew.run("session", "apply", "--object", CORE, "--load-only", "--dry-run", "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        RequirementEntry resolved = coreRequirement(r);
        assertEquals(RequirementLevel.FULLY_SUPPORTED, resolved.getLevel(), r.toString());
        assertEquals(RequirementBasis.REQUIREMENT_BASIS_OBJECT, resolved.getBasis(), r.toString());
        assertTrue(resolved.getReason().contains("1 resolved against vmlinux's BTF"), r.toString());

        Gew.Result poisoned = Gew.run("session", "apply", "--object", CORE, "--load-only", "--dry-run",
                "--target-btf", "testdata/obj/globals.bpf.o", "-o", "json");
        assertEquals(0, poisoned.exit(), poisoned.toString());
        RequirementEntry guarded = coreRequirement(poisoned);
        assertTrue(guarded.getReason().contains("1 poisoned, which the verifier refuses unless the program guards them: "
                + "CO-RE relocation #0 at insn 1"), poisoned.toString());
        // whether the program guards it is the verifier's to say: the report lists it as such
        assertEquals(RequirementLevel.FULLY_SUPPORTED, guarded.getLevel(), poisoned.toString());
        assertEquals(RequirementBasis.REQUIREMENT_BASIS_VERIFIER_ONLY, guarded.getBasis(), poisoned.toString());
        DryRunReport report = report(poisoned);
        assertEquals(DryRunReport.Verdict.WOULD_APPLY, report.getVerdict(), poisoned.toString());
        assertTrue(report.getVerifierOnly() >= 1, poisoned.toString());
    }

    private static DryRunReport report(Gew.Result r) throws Exception {
        DryRunReport.Builder b = DryRunReport.newBuilder();
        JsonFormat.parser().merge(r.out(), b);
        return b.build();
    }

    private static RequirementEntry coreRequirement(Gew.Result r) throws Exception {
        return report(r).getCompatibility().getRequirementsList().stream()
                .filter(e -> e.getKind().equals("CO-RE") && e.getName().equals("relocations of core/read_tgid"))
                .findFirst().orElseThrow(() -> new AssertionError("no CO-RE requirement of core/read_tgid: " + r));
    }
}
