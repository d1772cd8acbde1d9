package dev.gewyvern.btf;

/**
 * CO-RE's "essential" names: a type, field or enumerator name without its flavour, the part from the
 * last {@code X___Y} separator on ({@code task_struct___v58} is a flavour of {@code task_struct}).
 */
public final class CoreNames {
    private CoreNames() {
    }

    /** The length of {@code name}'s essential part. */
    public static int essentialLength(String name) {
        int n = name.length();
        for (int i = n - 5; i >= 0; i--) {
            if (name.charAt(i) != '_' && name.charAt(i + 1) == '_' && name.charAt(i + 2) == '_'
                    && name.charAt(i + 3) == '_' && name.charAt(i + 4) != '_') {
                return i + 1;
            }
        }
        return n;
    }

    /** {@code name} without its flavour. */
    public static String essential(String name) {
        return name.substring(0, essentialLength(name));
    }

    /** Both names have the same essential part. */
    static boolean sameEssential(String a, String b) {
        int la = essentialLength(a);
        return la == essentialLength(b) && a.regionMatches(0, b, 0, la);
    }

    /** A hash of {@code essential}'s UTF-8 bytes, the one {@link Btf} computes in place for the names it holds. */
    static int essentialHash(String essential) {
        int h = 0;
        for (byte b : essential.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h = 31 * h + (b & 0xff);
        }
        return h;
    }
}
