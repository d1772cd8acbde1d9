package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code --load-only} through the launcher: it attaches nothing, so programs of risky types (xdp, tcx, cgroup,
 * netfilter) load for checking without --allow-risky, and struct_ops maps are created with their programs
 * loaded but never registered.
 */
class LoadOnlyIT {
    @Test
    void riskyProgramTypesLoadForCheckingWithoutAllowRisky() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("session", "apply", "--object", "testdata/obj/attachkinds.bpf.o", "--load-only",
                "--duration", "100ms");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("verify   program count_xdp: verified"), r.toString());
        assertTrue(r.out().contains("verify   program count_egress: verified"), r.toString());
        assertFalse(r.out().contains("attach   "), "nothing is attached: " + r);
    }

    @Test
    void structOpsMapsAreCreatedWithTheirProgramsButNotRegistered() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("session", "apply", "--object", "testdata/obj/struct_ops.bpf.o", "--load-only",
                "--duration", "100ms");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().matches("(?s).*verify   struct_ops map gew_test_ca: a tcp_congestion_ops of 4 programs, "
                + "[^\n]*; load-only: not registered\n.*"), r.toString());
        assertTrue(r.out().contains("verify   program gew_cong_avoid: verified"), r.toString());
        assertFalse(r.out().contains("registered as"), r.toString());
        assertFalse(r.out().contains("attach   "), "nothing is attached: " + r);
    }
}
