package dev.gewyvern.syscall;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class AttachPointsGlobTest {
    @Test
    void globsAndSubstrings() {
        assertTrue(AttachPoints.glob("tracepoint:sched:*").test("tracepoint:sched:sched_switch"));
        assertFalse(AttachPoints.glob("tracepoint:sched:*").test("raw_tp:sched_switch"));
        assertTrue(AttachPoints.glob("*:sched_switch").test("raw_tp:sched_switch"));
        assertTrue(AttachPoints.glob("sched_sw").test("tp_btf:sched_switch"));
        assertTrue(AttachPoints.glob("xdp:eth?").test("xdp:eth0"));
        assertFalse(AttachPoints.glob("xdp:eth?").test("xdp:eth10"));
        assertTrue(AttachPoints.glob("a.b").test("a.b") && !AttachPoints.glob("a.b").test("axb"));
    }

    @Property
    void aStringMatchesItselfAndStar(@ForAll @StringLength(max = 40) String s) {
        assertTrue(AttachPoints.glob("*").test(s));
        if (!s.contains("*") && !s.contains("?")) {
            assertTrue(AttachPoints.glob(s).test(s));
        }
    }
}
