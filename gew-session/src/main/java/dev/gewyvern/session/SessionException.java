package dev.gewyvern.session;

/**
 * A session operation that failed, for a reason the user can act on: what failed, where (the phase and
 * the object), what to do next, and the verifier's log when a program was refused.
 */
public final class SessionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String phase;
    private final String verifierLog;

    public SessionException(String phase, String message, String verifierLog, Throwable cause) {
        super(message, cause);
        this.phase = phase;
        this.verifierLog = verifierLog;
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
