package dev.gewyvern.session.control;

import java.util.HashMap;
import java.util.Map;

import com.google.protobuf.ByteString;

/**
 * How many WatchSession streams may be open at once: {@link #PER_KEY} for each control-plane key that signed
 * them, {@link #OVERALL} in all. Each watch holds a subscription (and, for one session, a timer task) for as
 * long as its caller keeps it open, so without a bound one paired key could hold the server's memory and
 * timer for good (issue 12 item 10).
 */
final class WatchLimits {
    static final int PER_KEY = 16;
    static final int OVERALL = 256;

    /** An open watch's place; giving it back twice gives it back once. */
    interface Slot {
        void release();
    }

    private final Map<ByteString, Integer> byKey = new HashMap<>();
    private int open;

    /** A slot for a watch signed by {@code keyId}, or null when that key (or everyone) holds too many. */
    synchronized Slot take(ByteString keyId) {
        int held = byKey.getOrDefault(keyId, 0);
        if (held >= PER_KEY || open >= OVERALL) {
            return null;
        }
        byKey.put(keyId, held + 1);
        open++;
        boolean[] released = new boolean[1];
        return () -> {
            synchronized (WatchLimits.this) {
                if (released[0]) {
                    return;
                }
                released[0] = true;
                open--;
                byKey.merge(keyId, -1, (a, b) -> a + b == 0 ? null : a + b);
            }
        };
    }

    synchronized int open() {
        return open;
    }
}
