package dev.gewyvern.syscall.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The probe name rules and libbpf's glob_match: a glob matches as the regular expression that spells it
 * ({@code *} = {@code .*}, {@code ?} = {@code .}, all else literal) over random names and globs; a glob made
 * from a name by hiding parts of it matches that name; every glob kprobe.multi takes, uprobe.multi takes.
 */
class SymbolRulesTest {
    /** A small alphabet, so that random globs and names often agree in part; '.' must stay a dot. */
    private static final String CHARS = "ab._$@";

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars(CHARS).ofMinLength(0).ofMaxLength(10);
    }

    @Provide
    Arbitrary<String> globs() {
        return Arbitraries.strings().withChars(CHARS + "*?").ofMinLength(0).ofMaxLength(8);
    }

    private static boolean reference(String glob, String name) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL).matcher(name).matches();
    }

    @Property(tries = 2000)
    void aGlobMatchesAsTheExpressionThatSpellsIt(@ForAll("globs") String glob, @ForAll("names") String name) {
        assertEquals(reference(glob, name), SymbolRules.matches(glob, name), glob + " over " + name);
    }

    @Provide
    Arbitrary<String[]> hidden() {
        // a name, and a glob made from it: each character kept, replaced by ?, or a run of them replaced by *
        return Combinators.combine(Arbitraries.strings().withChars(CHARS).ofMinLength(1).ofMaxLength(12),
                Arbitraries.integers().between(0, 2).list().ofSize(12)).as((name, how) -> {
                    StringBuilder g = new StringBuilder();
                    for (int i = 0; i < name.length(); i++) {
                        int h = how.get(i);
                        if (h == 0) {
                            g.append(name.charAt(i));
                        } else if (h == 1) {
                            g.append('?');
                        } else if (g.length() == 0 || g.charAt(g.length() - 1) != '*') {
                            g.append('*');
                        }
                    }
                    return new String[] {name, g.toString()};
                });
    }

    @Property(tries = 1000)
    void aGlobMadeFromANameMatchesIt(@ForAll("hidden") String[] nameAndGlob) {
        assertTrue(SymbolRules.matches(nameAndGlob[1], nameAndGlob[0]), nameAndGlob[1] + " over " + nameAndGlob[0]);
    }

    @Property(tries = 500)
    void everyKernelGlobIsAUserGlob(@ForAll("globs") String glob) {
        if (SymbolRules.KERNEL_GLOB.matcher(glob).matches()) {
            assertTrue(SymbolRules.USER_GLOB.matcher(glob).matches(), glob);
        }
    }

    @Test
    void namesAndGlobsHoldNoPathOrShellCharacters() {
        assertTrue(SymbolRules.SYMBOL.matcher("do_unlinkat").matches());
        assertTrue(SymbolRules.SYMBOL.matcher("memcpy@GLIBC_2.14").matches());
        assertTrue(SymbolRules.SYMBOL.matcher("tcp_v4_rcv.cold").matches());
        for (String bad : new String[] {"", "1abc", "a/b", "a b", "a;b", "../x", "a*"}) {
            assertFalse(SymbolRules.SYMBOL.matcher(bad).matches(), bad);
        }
        assertTrue(SymbolRules.KERNEL_GLOB.matcher("tcp_v4_*").matches());
        assertFalse(SymbolRules.KERNEL_GLOB.matcher("malloc@*").matches(), "kernel functions have no @");
        assertTrue(SymbolRules.USER_GLOB.matcher("malloc@*").matches());
        assertFalse(SymbolRules.USER_GLOB.matcher("a/*").matches());
        assertTrue(SymbolRules.matches("*", ""));
        assertFalse(SymbolRules.matches("?", ""));
        assertTrue(SymbolRules.matches("a**b", "ab"));
    }
}
