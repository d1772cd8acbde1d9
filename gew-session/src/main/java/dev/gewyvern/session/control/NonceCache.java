package dev.gewyvern.session.control;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Nonces seen within twice the freshness window. Bounded: when full of live entries it refuses new
 * requests rather than evicting anything still live (an evicted nonce could be replayed).
 */
final class NonceCache {
    private final int capacity;
    private final long keepMs;
    private final Map<ByteBuffer, Long> seen = new HashMap<>();

    NonceCache(int capacity, long keepMs) {
        this.capacity = capacity;
        this.keepMs = keepMs;
    }

    enum Result { FRESH, REPLAY, FULL }

    synchronized Result record(byte[] nonce, long nowMs) {
        ByteBuffer key = ByteBuffer.wrap(nonce.clone());
        if (seen.containsKey(key)) {
            return Result.REPLAY;
        }
        if (seen.size() >= capacity) {
            for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
                if (nowMs - it.next() > keepMs) {
                    it.remove();
                }
            }
            if (seen.size() >= capacity) {
                return Result.FULL;
            }
        }
        seen.put(key, nowMs);
        return Result.FRESH;
    }
}
