package dev.gewyvern.btf;

/**
 * A CO-RE relocation that cannot be computed at all (as opposed to one that finds no target, which
 * poisons its instruction): a malformed access string, candidates that disagree, a bitfield no load
 * can read. The message names the relocation's local type and access.
 */
public final class CoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CoreException(String message) {
        super(message);
    }
}
