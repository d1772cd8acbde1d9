package dev.gewyvern.syscall.kernel;

import java.util.regex.Pattern;

/**
 * What a probe's function names and globs may be, and how a glob matches, in one place for every kind that
 * takes them (uprobe, kprobe, fentry and the like take a name; kprobe.multi and uprobe.multi take names or a
 * glob; {@link KernelFunctions} resolves kprobe.multi globs with it). Names are checked before anything is read, so
 * a target cannot smuggle path or shell characters.
 */
public final class SymbolRules {
    /** A function or symbol name: C identifier characters, and . (compiler clones), $ and @ (user-space symbols). */
    public static final Pattern SYMBOL = Pattern.compile("[A-Za-z_.$][A-Za-z0-9_.$@]{0,255}");
    /**
     * A glob over kernel function names (kprobe.multi): the names available_filter_functions and kallsyms list
     * use letters, digits, _ and . only.
     */
    public static final Pattern KERNEL_GLOB = Pattern.compile("[A-Za-z0-9_.*?]{1,256}");
    /** A glob over an ELF binary's function symbols (uprobe.multi): these may also hold $ and @. */
    public static final Pattern USER_GLOB = Pattern.compile("[A-Za-z0-9_.$@*?]{1,256}");

    private SymbolRules() {
    }

    /**
     * Whether {@code glob} matches all of {@code name} as libbpf's glob_match does for kprobe.multi and
     * uprobe.multi patterns: {@code *} any run of characters (also none), {@code ?} exactly one, every other
     * character itself.
     */
    public static boolean matches(String glob, String name) {
        int g = 0;
        int n = 0;
        int star = -1;
        int resume = 0;
        while (n < name.length()) {
            if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == name.charAt(n))) {
                g++;
                n++;
            } else if (g < glob.length() && glob.charAt(g) == '*') {
                star = g++;
                resume = n;
            } else if (star >= 0) {
                // the last * takes one more character, and the rest of the glob is tried from there
                g = star + 1;
                n = ++resume;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }
}
