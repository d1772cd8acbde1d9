package dev.gewyvern.syscall;

/**
 * A kernel call that failed: which call, on what, the errno, what to do next, and for a program load the
 * verifier's log.
 */
public final class BpfException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;
    private final String verifierLog;

    public BpfException(String call, int errno, String detail, String verifierLog) {
        super(call + " failed: " + Errno.name(errno) + " (" + Errno.describe(errno) + ")"
                + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        this.call = call;
        this.errno = errno;
        this.verifierLog = verifierLog;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** The verifier's (or BTF checker's) log, or null when there is none. */
    public String verifierLog() {
        return verifierLog;
    }
}
