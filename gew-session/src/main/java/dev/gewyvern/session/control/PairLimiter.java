package dev.gewyvern.session.control;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How often Pair may be called: {@link #PER_SOURCE} times per {@link #WINDOW_MS} from one source address,
 * and {@link #OVERALL} times in that window from all sources together (each call costs two signature
 * checks). The table of sources is bounded ({@link #SOURCES}, least recently seen forgotten first), so
 * many addresses cost memory no more than one.
 */
final class PairLimiter {
    static final int PER_SOURCE = 10;
    static final int OVERALL = 100;
    static final long WINDOW_MS = 10_000;
    static final int SOURCES = 4096;

    private record Window(long start, int calls) {}

    private final LongSupplier clock;
    private final Map<String, Window> bySource = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > SOURCES;
        }
    };
    private Window overall = new Window(0, 0);

    PairLimiter(LongSupplier clock) {
        this.clock = clock;
    }

    synchronized boolean allow(String source) {
        long now = clock.getAsLong();
        overall = next(overall, now);
        Window w = next(bySource.get(source), now);
        bySource.put(source, w);
        return w.calls() <= PER_SOURCE && overall.calls() <= OVERALL;
    }

    private static Window next(Window w, long now) {
        if (w == null || now - w.start() >= WINDOW_MS || now < w.start()) {
            return new Window(now, 1);
        }
        return new Window(w.start(), w.calls() + 1);
    }
}
