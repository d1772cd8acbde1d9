package dev.gewyvern.session;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Ids that become path names: generated here, or checked against one strict pattern first. */
final class Ids {
    static final Pattern ID = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,62}$");
    /** Names of maps and programs as ELF symbols spell them, used as pin file names. */
    static final Pattern OBJECT_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_.]{0,127}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    static String check(String what, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new SessionException("create", "invalid " + what + " '" + id
                    + "': it must match " + ID.pattern() + " (lower-case letters, digits, '_' and '-')");
        }
        return id;
    }

    static String checkObjectName(String what, String name) {
        if (name == null || !OBJECT_NAME.matcher(name).matches()) {
            throw new SessionException("stage", "invalid " + what + " name '" + name
                    + "': it must be a C identifier (" + OBJECT_NAME.pattern() + ")");
        }
        return name;
    }

    static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static String instanceId() {
        return "i" + random(5);
    }

    /** A session id: the pipeline's name (cut to fit) and 6 random hex digits. */
    static String sessionId(String pipelineName) {
        String prefix = pipelineName == null || pipelineName.isEmpty() ? "s" : pipelineName;
        if (prefix.length() > 40) {
            prefix = prefix.substring(0, 40);
        }
        return check("session id", prefix + "-" + random(3));
    }
}
