package dev.gewyvern.btf;

/**
 * The one error a BTF reader or writer throws: malformed or unsupported input, with what was wrong
 * and where (a byte offset or a type id).
 */
public final class BtfException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BtfException(String message) {
        super(message);
    }
}
