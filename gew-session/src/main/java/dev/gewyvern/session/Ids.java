package dev.gewyvern.session;

import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Ids that become path names: generated here, or checked against one strict pattern first. A generated
 * id carries {@link #RANDOM_CHARS} base32 characters (130 random bits), so ids stay unique across a fleet
 * of long-lived instances; within one pin root they are unique by construction as well, since
 * {@link PinRoot} reserves each one by creating its folder exclusively and draws again on a collision.
 */
final class Ids {
    static final Pattern ID = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,62}$");
    /** Names of maps and programs as ELF symbols spell them, used as pin file names. */
    static final Pattern OBJECT_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_.]{0,127}$");
    /** Random characters in a generated id: 26 of base32's 5 bits each, 130 bits. */
    static final int RANDOM_CHARS = 26;
    /** RFC 4648's base32 alphabet, lower case: every character fits {@link #ID}. */
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    /** The longest pipeline-name prefix that leaves room for '-' and the random part within 63 characters. */
    static final int PREFIX_MAX = 63 - 1 - RANDOM_CHARS;

    private Ids() {
    }

    static String check(String what, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw SessionException.invalid(Step.CREATE, "invalid " + what + " '" + id
                    + "': it must match " + ID.pattern() + " (lower-case letters, digits, '_' and '-')");
        }
        return id;
    }

    static String checkObjectName(String what, String name) {
        if (name == null || !OBJECT_NAME.matcher(name).matches()) {
            throw SessionException.invalid(Step.STAGE, "invalid " + what + " name '" + name
                    + "': it must be a C identifier (" + OBJECT_NAME.pattern() + ")");
        }
        return name;
    }

    static String random(RandomGenerator random) {
        char[] c = new char[RANDOM_CHARS];
        for (int i = 0; i < c.length; i++) {
            c[i] = BASE32[random.nextInt(BASE32.length)];
        }
        return new String(c);
    }

    static String instanceId(RandomGenerator random) {
        return "i" + random(random);
    }

    /** A session id: the pipeline's name (cut to {@link #PREFIX_MAX}), '-', and the random part. */
    static String sessionId(String pipelineName, RandomGenerator random) {
        String prefix = pipelineName == null || pipelineName.isEmpty() ? "s" : pipelineName;
        if (prefix.length() > PREFIX_MAX) {
            prefix = prefix.substring(0, PREFIX_MAX);
        }
        return check("session id", prefix + "-" + random(random));
    }
}
