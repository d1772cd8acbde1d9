package dev.gewyvern.session.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.gewyvern.proto.v1.PhaseEvent;

/**
 * The phase events of the sessions this server applied and detached, as they happened: kept per session
 * (the last {@link #PER_SESSION} events of the last {@link #SESSIONS} sessions) so that a WatchSession opened
 * after an apply still sees its real phases, and passed on to every watcher as they come.
 */
final class SessionEvents {
    static final int SESSIONS = 256;
    static final int PER_SESSION = 256;

    /** A watcher of one session, or of every session when its id is empty. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private record Watcher(String sessionId, Consumer<PhaseEvent> sink) {}

    private final Map<String, List<PhaseEvent>> history = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<PhaseEvent>> eldest) {
            return size() > SESSIONS;
        }
    };
    private final List<Watcher> watchers = new ArrayList<>();

    synchronized void publish(PhaseEvent e) {
        List<PhaseEvent> h = history.computeIfAbsent(e.getSessionId(), k -> new ArrayList<>());
        if (h.size() == PER_SESSION) {
            h.remove(0);
        }
        h.add(e);
        for (Watcher w : List.copyOf(watchers)) {
            if (w.sessionId.isEmpty() || w.sessionId.equals(e.getSessionId())) {
                w.sink.accept(e);
            }
        }
    }

    /** Whether this server has events of the session (it applied it, or saw it detached). */
    synchronized boolean knows(String sessionId) {
        return history.containsKey(sessionId);
    }

    /**
     * Replays what is kept of the session, or for a watcher of every session (an empty id) what is kept of
     * every session since {@code sinceUnixMs} in the order it happened; then passes on what comes, until the
     * subscription is closed. Replay and the first live event cannot interleave, so nothing is missed or
     * repeated: a watch of every session asked for before an apply sees all of the apply's phases however
     * late the server gets to it.
     */
    synchronized Subscription subscribe(String sessionId, long sinceUnixMs, Consumer<PhaseEvent> sink) {
        if (!sessionId.isEmpty()) {
            for (PhaseEvent e : history.getOrDefault(sessionId, List.of())) {
                sink.accept(e);
            }
        } else {
            List<PhaseEvent> since = new ArrayList<>();
            for (List<PhaseEvent> h : history.values()) {
                for (PhaseEvent e : h) {
                    if (e.getUnixMs() >= sinceUnixMs) {
                        since.add(e);
                    }
                }
            }
            since.sort(java.util.Comparator.comparingLong(PhaseEvent::getUnixMs)); // stable: a session's order kept
            since.forEach(sink);
        }
        Watcher w = new Watcher(sessionId, sink);
        watchers.add(w);
        return () -> {
            synchronized (SessionEvents.this) {
                watchers.remove(w);
            }
        };
    }
}
