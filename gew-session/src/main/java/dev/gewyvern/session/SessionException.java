package dev.gewyvern.session;

/**
 * A session operation that failed, for a reason the user can act on: what kind of failure it is, the step
 * where it happened, what failed and what to do next, and the verifier's log when a program was refused.
 * Callers decide by {@link #kind()} (the gRPC service picks its status code from it, the CLI its exit
 * code), never by the message's text.
 */
public final class SessionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of failure: each maps to one gRPC status code and one exit code. */
    public enum Kind {
        /** The input is wrong (a pipeline field, an id, an object that does not parse, a name it lacks). */
        INVALID,
        /** Something the input names does not exist (a session, a pinned program, an interface, a function). */
        NOT_FOUND,
        /** This kernel lacks what the pipeline needs; refused before any kernel call of the session. */
        UNSUPPORTED,
        /** The local policy refuses it (a risky requirement without --allow-risky). */
        REFUSED,
        /** The kernel refused a call (the verifier, an attach, a map create), with its errno and log. */
        KERNEL,
        /** The host refused or lacks something outside the input: a file, /proc, bpffs, a mount. */
        SYSTEM,
        /** A bug in gewyvern: an unexpected failure (its cause is kept for the report). */
        INTERNAL
    }

    private final Kind kind;
    private final Step step;
    private final String verifierLog;
    private final transient Requirement requirement;

    private SessionException(Kind kind, Step step, String message, String verifierLog, Throwable cause,
                             Requirement requirement) {
        super(message, cause);
        this.kind = kind;
        this.step = step;
        this.verifierLog = verifierLog;
        this.requirement = requirement;
    }

    public static SessionException invalid(Step step, String message) {
        return new SessionException(Kind.INVALID, step, message, null, null, null);
    }

    public static SessionException invalid(Step step, String message, Throwable cause) {
        return new SessionException(Kind.INVALID, step, message, null, cause, null);
    }

    public static SessionException notFound(Step step, String message) {
        return new SessionException(Kind.NOT_FOUND, step, message, null, null, null);
    }

    /** This kernel lacks something; {@code message} says what and how to find out more. */
    public static SessionException unsupported(Step step, String message) {
        return new SessionException(Kind.UNSUPPORTED, step, message, null, null, null);
    }

    /** The kernel refused a call; {@code verifierLog} is its log (annotated by source line) or null. */
    public static SessionException kernel(Step step, String message, String verifierLog, Throwable cause) {
        return new SessionException(Kind.KERNEL, step, message, verifierLog, cause, null);
    }

    /**
     * A failed kernel call: NOT_FOUND when the kernel said ENOENT (no such tracepoint, pin or id), KERNEL
     * otherwise, with the call's message and verifier log.
     */
    public static SessionException of(Step step, dev.gewyvern.syscall.BpfException e) {
        Kind kind = e.errno() == dev.gewyvern.syscall.Errno.ENOENT ? Kind.NOT_FOUND : Kind.KERNEL;
        return new SessionException(kind, step, e.getMessage(), e.verifierLog(), e, null);
    }

    public static SessionException system(Step step, String message) {
        return new SessionException(Kind.SYSTEM, step, message, null, null, null);
    }

    public static SessionException system(Step step, String message, Throwable cause) {
        return new SessionException(Kind.SYSTEM, step, message, null, cause, null);
    }

    public static SessionException internal(Step step, String message, Throwable cause) {
        return new SessionException(Kind.INTERNAL, step, message, null, cause, null);
    }

    /** A pipeline refused for a requirement: UNSUPPORTED when this kernel lacks it, REFUSED when it is risky. */
    static SessionException refused(Requirement r, String message) {
        Kind kind = r.level() == Requirement.Level.RISKY ? Kind.REFUSED : Kind.UNSUPPORTED;
        return new SessionException(kind, Step.COMPATIBILITY, message, null, null, r);
    }

    /** The same failure, said to have happened in {@code step} (for helpers shared by several steps). */
    public SessionException in(Step other) {
        if (other == step) {
            return this;
        }
        SessionException e = new SessionException(kind, other, getMessage(), verifierLog, getCause(), requirement);
        e.setStackTrace(getStackTrace());
        return e;
    }

    public Kind kind() {
        return kind;
    }

    /** The step where it failed. */
    public Step step() {
        return step;
    }

    /** The requirement the session was refused for, or null. */
    public Requirement requirement() {
        return requirement;
    }

    /** The verifier's log (annotated with source lines where the object has them), or null. */
    public String verifierLog() {
        return verifierLog;
    }
}
