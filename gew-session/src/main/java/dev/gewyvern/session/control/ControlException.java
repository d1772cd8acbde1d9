package dev.gewyvern.session.control;

/** A failure of the control interface's local side (state files, keys, pairing, the socket). */
public final class ControlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ControlException(String message) {
        super(message);
    }
}
