package dev.gewyvern.cli;

import java.io.PrintWriter;

import dev.gewyvern.proto.v1.DryRunReport;
import dev.gewyvern.proto.v1.RequirementEntry;

/**
 * The text form of a {@link DryRunReport}: the requirements (each with its reason under it, unless it is a bare
 * "supported"), the verdict, then the plan of kernel calls (one whole line each: the only lines that may pass 120
 * columns, since a call is data to copy).
 */
final class DryRunText {
    private DryRunText() {
    }

    static void print(PrintWriter out, DryRunReport r, boolean allowRisky) {
        // the reason goes on its own line under its requirement (a column would leave it a narrow strip)
        Table t = Table.of("LEVEL", "BASIS", "KIND", "NAME", "NEEDED BY").wrap(3, 4);
        for (RequirementEntry e : r.getCompatibility().getRequirementsList()) {
            t.row(level(e), basis(e), e.getKind(), e.getName(), e.getNeededBy());
            if (!e.getReason().isEmpty() && !e.getReason().equals("supported")) {
                t.note(e.getReason());
            }
        }
        t.print(out);
        out.println(verdict(r, allowRisky));
        if (r.getPlanCount() > 0) {
            out.println();
            out.println("plan: the kernel calls applying it makes, in order (file descriptors from 1000000 are");
            out.println("placeholders; pinning and the commit's rename follow):");
            // each call whole on its line, never wrapped: it is data to copy and grep, not a table cell
            for (int i = 0; i < r.getPlanCount(); i++) {
                out.printf("%3d  %s%n", i + 1, r.getPlan(i));
            }
        }
        out.flush();
    }

    static String verdict(DryRunReport r, boolean allowRisky) {
        return switch (r.getVerdict()) {
            case REFUSED_NOT_SUPPORTED -> "would be refused: a requirement is not supported here";
            case REFUSED_RISKY -> "would be refused: a risky requirement needs --allow-risky";
            case REFUSED_AT_PLAN -> "would be refused at " + r.getFailedStep() + ": " + r.getFailure();
            default -> "would apply: every requirement is admitted" + (allowRisky ? " (--allow-risky)" : "")
                    + (r.getVerifierOnly() == 0 ? ""
                    : "; " + r.getVerifierOnly() + " of them only the verifier can decide, at load");
        };
    }

    private static String level(RequirementEntry e) {
        return switch (e.getLevel()) {
            case FULLY_SUPPORTED -> "supported";
            case SUPPORTED_BUT_RISKY -> "risky";
            case NOT_SUPPORTED -> "not supported";
            default -> "?";
        };
    }

    private static String basis(RequirementEntry e) {
        return switch (e.getBasis()) {
            case REQUIREMENT_BASIS_PROBED -> "probe";
            case REQUIREMENT_BASIS_KERNEL -> "kernel";
            case REQUIREMENT_BASIS_OBJECT -> "object";
            case REQUIREMENT_BASIS_VERIFIER_ONLY -> "verifier only";
            default -> "?";
        };
    }
}
