package dev.gewyvern.session.control;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bounds on the connections a TCP server holds, so that strangers can neither exhaust its file
 * descriptors nor crowd out the paired control plane. A connection is <em>unauthenticated</em> from
 * accept until its TLS handshake shows the pinned control plane's key; those are capped in total and per
 * source address, and when a cap is reached the <em>oldest</em> unauthenticated connection is closed to
 * make room (as a SYN cache does): a flood that holds connections open cannot keep a new one out, and a
 * flood that churns has to outrun a handshake of a few milliseconds. Authenticated connections have their
 * own small cap (a control plane needs one or two).
 *
 * @param <C> a connection (a Netty channel in the server; anything in tests)
 */
final class ConnectionLimits<C> {
    /** The caps. */
    record Caps(int unauthenticated, int unauthenticatedPerSource, int authenticated) {
        Caps {
            if (unauthenticated < 1 || unauthenticatedPerSource < 1 || authenticated < 1) {
                throw new IllegalArgumentException("every cap must be at least 1: " + this);
            }
        }

        /**
         * Caps that keep a server well inside an open-file limit of {@code nofile}: a quarter of it (less 256
         * for the JVM's own files) for strangers, at most 1024; an eighth of that per source; 32 authenticated.
         */
        static Caps forOpenFileLimit(long nofile) {
            int strangers = (int) Math.max(16, Math.min(1024, (nofile - 256) / 4));
            return new Caps(strangers, Math.max(4, strangers / 8), 32);
        }
    }

    private final Caps caps;
    /** Unauthenticated connections, oldest first, with their source. */
    private final LinkedHashMap<C, String> unauthenticated = new LinkedHashMap<>();
    private final Map<String, Integer> perSource = new HashMap<>();
    /** Authenticated connections, oldest first. */
    private final LinkedHashMap<C, String> authenticated = new LinkedHashMap<>();

    ConnectionLimits(Caps caps) {
        this.caps = caps;
    }

    Caps caps() {
        return caps;
    }

    /** Admits a new connection from {@code source}; returns the connections to close to make room for it. */
    synchronized List<C> admit(C conn, String source) {
        List<C> evict = new ArrayList<>();
        if (perSource.getOrDefault(source, 0) >= caps.unauthenticatedPerSource()) {
            C oldest = oldestFrom(source);
            remove(oldest);
            evict.add(oldest);
        }
        if (unauthenticated.size() >= caps.unauthenticated()) {
            C oldest = unauthenticated.keySet().iterator().next();
            remove(oldest);
            evict.add(oldest);
        }
        unauthenticated.put(conn, source);
        perSource.merge(source, 1, Integer::sum);
        return evict;
    }

    /**
     * Moves a connection that proved the paired key to the authenticated set; returns the connections to
     * close to make room (the oldest authenticated one when that set is full). A connection no longer held
     * (evicted meanwhile) is not admitted again: the returned list then holds {@code conn} itself.
     */
    synchronized List<C> authenticate(C conn) {
        String source = unauthenticated.get(conn);
        if (source == null) {
            return authenticated.containsKey(conn) ? List.of() : List.of(conn);
        }
        removeUnauthenticated(conn, source);
        List<C> evict = new ArrayList<>();
        if (authenticated.size() >= caps.authenticated()) {
            C oldest = authenticated.keySet().iterator().next();
            authenticated.remove(oldest);
            evict.add(oldest);
        }
        authenticated.put(conn, source);
        return evict;
    }

    /** Forgets a connection (closed, by either side). */
    synchronized void remove(C conn) {
        String source = unauthenticated.get(conn);
        if (source != null) {
            removeUnauthenticated(conn, source);
        }
        authenticated.remove(conn);
    }

    synchronized int unauthenticatedCount() {
        return unauthenticated.size();
    }

    synchronized int authenticatedCount() {
        return authenticated.size();
    }

    synchronized boolean isAuthenticated(C conn) {
        return authenticated.containsKey(conn);
    }

    private void removeUnauthenticated(C conn, String source) {
        unauthenticated.remove(conn);
        perSource.computeIfPresent(source, (k, n) -> n <= 1 ? null : n - 1);
    }

    private C oldestFrom(String source) {
        for (Iterator<Map.Entry<C, String>> it = unauthenticated.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<C, String> e = it.next();
            if (e.getValue().equals(source)) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("no connection from " + source + " though its count says so");
    }
}
