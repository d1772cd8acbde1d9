package dev.gewyvern.session;

/**
 * docs/spec.md §9: risky execution is refused unless the local command line said {@code --allow-risky}. Built once
 * from the local CLI and immutable; nothing that arrives over the control interface can make one.
 */
public final class RiskPolicy {
    public static final RiskPolicy DEFAULT = new RiskPolicy(false);

    private final boolean allowRisky;

    private RiskPolicy(boolean allowRisky) {
        this.allowRisky = allowRisky;
    }

    /** The policy of the local command line: {@code allowRisky} is its {@code --allow-risky} flag. */
    public static RiskPolicy fromLocalCommandLine(boolean allowRisky) {
        return allowRisky ? new RiskPolicy(true) : DEFAULT;
    }

    public boolean allowsRisky() {
        return allowRisky;
    }
}
