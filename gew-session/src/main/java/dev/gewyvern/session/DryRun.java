package dev.gewyvern.session;

import java.util.List;
import java.util.Optional;

import dev.gewyvern.proto.v1.CompatibilityReport;
import dev.gewyvern.proto.v1.DryRunReport;

/**
 * {@code gew session apply --dry-run}: everything that can be checked without changing the kernel, as one
 * {@link DryRunReport} (the requirements, the plan of kernel calls, the verdict), and the plan's failure as
 * the apply would have thrown it.
 */
public record DryRun(DryRunReport report, Optional<SessionException> planFailure) {

    /** Classifies the requirements, then plans the calls; changes nothing in the kernel. */
    public static DryRun of(Engine engine, PreparedPipeline pipeline, boolean allowRisky) {
        List<Requirement> reqs = engine.verifyCompatibility(pipeline);
        DryRunReport.Builder b = DryRunReport.newBuilder().setCompatibility(compatibility(reqs, allowRisky));
        SessionException failure = null;
        try {
            b.addAllPlan(engine.plan(pipeline));
        } catch (SessionException e) {
            failure = e;
        }
        int verifierOnly = 0;
        for (Requirement r : reqs) {
            if (r.basis() == Requirement.Basis.VERIFIER && r.level() != Requirement.Level.NOT_SUPPORTED) {
                verifierOnly++;
            }
        }
        b.setVerifierOnly(verifierOnly);
        if (!b.getCompatibility().getAdmissible()) {
            b.setVerdict(reqs.stream().anyMatch(r -> r.level() == Requirement.Level.NOT_SUPPORTED)
                    ? DryRunReport.Verdict.REFUSED_NOT_SUPPORTED : DryRunReport.Verdict.REFUSED_RISKY);
        } else if (failure != null) {
            b.setVerdict(DryRunReport.Verdict.REFUSED_AT_PLAN).setFailedStep(failure.step().word())
                    .setFailureKind(failure.kind().name())
                    .setFailure(failure.getMessage().lines().findFirst().orElse(""));
        } else {
            b.setVerdict(DryRunReport.Verdict.WOULD_APPLY);
        }
        return new DryRun(b.build(), Optional.ofNullable(failure));
    }

    /**
     * The requirements as their report: admissible when every one is fully supported, or risky and allowed
     * ({@code allowsRisky}: --allow-risky on the local command line, or the runtime's local policy).
     */
    public static CompatibilityReport compatibility(List<Requirement> reqs, boolean allowsRisky) {
        CompatibilityReport.Builder b = CompatibilityReport.newBuilder();
        boolean admissible = true;
        for (Requirement q : reqs) {
            admissible &= q.level() == Requirement.Level.FULLY_SUPPORTED
                    || q.level() == Requirement.Level.RISKY && allowsRisky;
            b.addRequirements(q.toEntry());
        }
        return b.setAdmissible(admissible).build();
    }
}
