package dev.gewyvern.session.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 item 2: the caps on held connections. Defence: ConnectionLimits.admit/authenticate (without the
 * eviction, the counts below grow past the caps and these tests fail).
 */
class ConnectionLimitsTest {
    @Test
    void aFullPoolClosesItsOldestStrangerToLetTheNewOneIn() {
        ConnectionLimits<String> l = new ConnectionLimits<>(new ConnectionLimits.Caps(3, 3, 2));
        assertEquals(List.of(), l.admit("a", "10.0.0.1"));
        assertEquals(List.of(), l.admit("b", "10.0.0.2"));
        assertEquals(List.of(), l.admit("c", "10.0.0.3"));
        assertEquals(List.of("a"), l.admit("d", "10.0.0.4"), "the oldest goes, the newest is admitted");
        assertEquals(3, l.unauthenticatedCount());
    }

    @Test
    void oneSourceCanHoldOnlyItsShare() {
        ConnectionLimits<String> l = new ConnectionLimits<>(new ConnectionLimits.Caps(10, 2, 2));
        l.admit("x1", "attacker");
        l.admit("ok", "control-plane");
        l.admit("x2", "attacker");
        assertEquals(List.of("x1"), l.admit("x3", "attacker"), "the attacker's own oldest goes, not another's");
        assertEquals(3, l.unauthenticatedCount());
    }

    @Test
    void anAuthenticatedConnectionLeavesThePoolStrangersCompeteFor() {
        ConnectionLimits<String> l = new ConnectionLimits<>(new ConnectionLimits.Caps(2, 2, 1));
        l.admit("cp", "127.0.0.1");
        assertEquals(List.of(), l.authenticate("cp"));
        assertTrue(l.isAuthenticated("cp"));
        for (int i = 0; i < 100; i++) {
            assertFalse(l.admit("s" + i, "127.0.0.1").contains("cp"), "a flood never evicts the paired connection");
        }
        assertTrue(l.isAuthenticated("cp"));
        l.admit("cp2", "127.0.0.1");
        assertEquals(List.of("cp"), l.authenticate("cp2"), "the authenticated set has its own cap: oldest goes");
    }

    @Test
    void anEvictedConnectionIsNotAuthenticatedLater() {
        ConnectionLimits<String> l = new ConnectionLimits<>(new ConnectionLimits.Caps(1, 1, 1));
        l.admit("old", "a");
        l.admit("new", "a");
        assertEquals(List.of("old"), l.authenticate("old"), "it was closed: it is to be closed, not admitted");
        assertFalse(l.isAuthenticated("old"));
    }

    @Property(tries = 200)
    void thePoolNeverExceedsItsCaps(@ForAll @IntRange(min = 1, max = 8) int cap, @ForAll @IntRange(min = 1, max = 4) int perSource,
                                    @ForAll @IntRange(min = 0, max = 300) int connections) {
        ConnectionLimits<Integer> l = new ConnectionLimits<>(new ConnectionLimits.Caps(cap, perSource, 2));
        List<Integer> open = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            open.add(i);
            open.removeAll(l.admit(i, "src" + (i % 3)));
            if (i % 7 == 0) {
                open.removeAll(l.authenticate(i));
            }
            assertTrue(l.unauthenticatedCount() <= cap);
            assertTrue(l.authenticatedCount() <= 2);
        }
        assertEquals(l.unauthenticatedCount() + l.authenticatedCount(), open.size(), "every connection over the caps was closed");
    }

    @Test
    void capsAreSizedFromTheOpenFileLimit() {
        var c = ConnectionLimits.Caps.forOpenFileLimit(2048);
        assertTrue(c.unauthenticated() + c.authenticated() + 256 < 2048, c.toString());
        assertEquals(16, ConnectionLimits.Caps.forOpenFileLimit(64).unauthenticated());
        assertEquals(1024, ConnectionLimits.Caps.forOpenFileLimit(1 << 20).unauthenticated());
        assertEquals(2048, OpenFileLimit.parse("Limit Soft Limit Hard Limit Units\nMax open files            2048                 4096                 files\n"));
        assertTrue(OpenFileLimit.current() > 0);
    }
}
