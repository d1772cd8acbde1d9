package dev.gewyvern.session;

import java.util.Locale;

import dev.gewyvern.proto.v1.Phase;

/**
 * What the engine was doing when something happened: the five phases of a session's transaction and its
 * rollback, and the operations around them (checking compatibility, planning a dry run, starting an
 * instance, listing, showing, watching and detaching sessions). Its {@link #word()} starts every error
 * line ({@code gew: detach: ...}).
 */
public enum Step {
    CREATE(Phase.CREATED),
    STAGE(Phase.STAGED),
    VERIFY(Phase.VERIFIED),
    ATTACH(Phase.ATTACHED),
    COMMIT(Phase.COMMITTED),
    ROLLBACK(Phase.ROLLED_BACK),
    /** Classifying a pipeline's requirements against this kernel and the local policy. */
    COMPATIBILITY(Phase.PHASE_UNSPECIFIED),
    /** A dry run: every kernel call of an apply written down, none made. */
    PLAN(Phase.PHASE_UNSPECIFIED),
    /** Starting an instance: preparing the pin root, cleaning dead owners' sessions, recording the owner. */
    START(Phase.PHASE_UNSPECIFIED),
    LIST(Phase.PHASE_UNSPECIFIED),
    SHOW(Phase.PHASE_UNSPECIFIED),
    WATCH(Phase.PHASE_UNSPECIFIED),
    /** Reading or writing a session's maps. */
    MAP(Phase.PHASE_UNSPECIFIED),
    /** Reading a session's ring buffers and perf buffers. */
    EVENTS(Phase.PHASE_UNSPECIFIED),
    DETACH(Phase.DETACHED);

    private final Phase phase;

    Step(Phase phase) {
        this.phase = phase;
    }

    /** The phase a session reaches when this step is done; PHASE_UNSPECIFIED for steps outside a transaction. */
    public Phase phase() {
        return phase;
    }

    /** The lower-case word users read: create, stage, verify, attach, commit, rollback, compatibility, ... */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The step that ends in {@code phase}. */
    public static Step of(Phase phase) {
        for (Step s : values()) {
            if (s.phase == phase && phase != Phase.PHASE_UNSPECIFIED) {
                return s;
            }
        }
        throw new IllegalArgumentException("no step ends in phase " + phase);
    }
}
