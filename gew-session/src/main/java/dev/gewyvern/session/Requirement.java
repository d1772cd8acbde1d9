package dev.gewyvern.session;

/**
 * One thing a Pipeline needs from this kernel (a program type, an attach kind, a helper, a map type), and
 * how gewyvern classifies it: fully supported, supported but risky, or not supported, with the reason.
 */
public record Requirement(String kind, String name, Level level, String reason, String neededBy) {

    /** SPEC 8's three states. */
    public enum Level {
        FULLY_SUPPORTED, RISKY, NOT_SUPPORTED
    }

    /** e.g. {@code program type xdp}. */
    public String label() {
        return kind + " " + name;
    }
}
