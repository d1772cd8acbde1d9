package dev.gewyvern.session;

import java.util.Optional;

import dev.gewyvern.syscall.probes.Support;

/**
 * One thing a Pipeline needs from this kernel (a program type, an attach type or kind, a helper, a map type),
 * and how gewyvern classifies it: fully supported, supported but risky, or not supported, with the reason;
 * {@code basis} says what the answer rests on, and {@code why} (for not supported) the typed reason.
 */
public record Requirement(String kind, String name, Level level, Basis basis, Support.Why why, String reason,
                          String neededBy) {

    /** docs/spec.md §8's three states. */
    public enum Level {
        FULLY_SUPPORTED, RISKY, NOT_SUPPORTED
    }

    /**
     * What an answer rests on. Only {@link #VERIFIER} answers are left to the load: no probe can tell them
     * (a helper of a program type whose probe needs a real target, a probe that was inconclusive), so a dry
     * run lists them as such.
     */
    public enum Basis {
        /** A capability probe measured it (its throwaway program, map or link). */
        PROBED("probe"),
        /**
         * What the kernel publishes of itself: its BTF names it or does not (enum bpf_prog_type, bpf_attach_type,
         * bpf_map_type, bpf_func_id), or a list it keeps (the error-injection list) has it or not.
         */
        KERNEL("kernel"),
        /** The object itself decides it (an unknown section, a CO-RE relocation against the target BTF). */
        OBJECT("object"),
        /** Only the verifier can tell, at load. */
        VERIFIER("verifier only");

        private final String text;

        Basis(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** The typed reason of a not-supported requirement. */
    public Optional<Support.Why> whyNot() {
        return Optional.ofNullable(why);
    }

    /** Its form in VerifyCompatibility's CompatibilityReport. */
    public dev.gewyvern.proto.v1.RequirementEntry toEntry() {
        var b = dev.gewyvern.proto.v1.RequirementEntry.newBuilder().setKind(kind).setName(name).setReason(reason)
                .setNeededBy(neededBy).setLevel(switch (level) {
                    case FULLY_SUPPORTED -> dev.gewyvern.proto.v1.RequirementLevel.FULLY_SUPPORTED;
                    case RISKY -> dev.gewyvern.proto.v1.RequirementLevel.SUPPORTED_BUT_RISKY;
                    case NOT_SUPPORTED -> dev.gewyvern.proto.v1.RequirementLevel.NOT_SUPPORTED;
                }).setBasis(switch (basis) {
                    case PROBED -> dev.gewyvern.proto.v1.RequirementBasis.REQUIREMENT_BASIS_PROBED;
                    case KERNEL -> dev.gewyvern.proto.v1.RequirementBasis.REQUIREMENT_BASIS_KERNEL;
                    case OBJECT -> dev.gewyvern.proto.v1.RequirementBasis.REQUIREMENT_BASIS_OBJECT;
                    case VERIFIER -> dev.gewyvern.proto.v1.RequirementBasis.REQUIREMENT_BASIS_VERIFIER_ONLY;
                });
        if (why != null) {
            b.setWhy(RuntimeReport.why(why));
        }
        return b.build();
    }

    /** e.g. {@code program type xdp}. */
    public String label() {
        return kind + " " + name;
    }
}
