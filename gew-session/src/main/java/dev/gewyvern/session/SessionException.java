package dev.gewyvern.session;

/**
 * A session operation that failed, for a reason the user can act on: what failed, where (the phase and
 * the object), what to do next, and the verifier's log when a program was refused.
 */
public final class SessionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String phase;
    private final String verifierLog;
    private final transient Requirement requirement;

    public SessionException(String phase, String message, String verifierLog, Throwable cause) {
        this(phase, message, verifierLog, cause, null);
    }

    private SessionException(String phase, String message, String verifierLog, Throwable cause, Requirement requirement) {
        super(message, cause);
        this.phase = phase;
        this.verifierLog = verifierLog;
        this.requirement = requirement;
    }

    /** A pipeline refused for a requirement: not supported here, or risky without --allow-risky. */
    static SessionException refused(Requirement r, String message) {
        return new SessionException("compatibility", message, null, null, r);
    }

    /** The requirement the session was refused for, or null. */
    public Requirement requirement() {
        return requirement;
    }

    public SessionException(String phase, String message) {
        this(phase, message, null, null);
    }

    /** The phase (create, stage, verify, attach, commit, detach, ...) where it failed. */
    public String phase() {
        return phase;
    }

    /** The verifier's log (annotated with source lines where the object has them), or null. */
    public String verifierLog() {
        return verifierLog;
    }
}
