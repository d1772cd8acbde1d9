package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.gewyvern.proto.v1.DryRunReport;
import org.junit.jupiter.api.Test;

/**
 * {@code --load-only} through the launcher: it attaches nothing, so programs of risky types (xdp, tcx, cgroup,
 * netfilter) load for checking without --allow-risky, and struct_ops maps are created with their programs
 * loaded but never registered.
 */
class LoadOnlyIT {
    /**
     * attachkinds has a program of every risky type (xdp, tcx, cgroup, netfilter); sections has xdp and cgroup_skb
     * ones of types older kernels have too. Without --allow-risky neither is refused for risk: each loads where its
     * dry run (-o json) says it would apply, and is refused only for what this kernel lacks. One of them loads.
     */
    @Test
    void riskyProgramTypesLoadForCheckingWithoutAllowRisky() throws Exception {
        Gew.requireBpf();
        int loaded = 0;
        for (String[] o : new String[][] {{"attachkinds", "count_xdp", "count_egress"}, {"sections", "s_xdp", "s_cg_egress"}}) {
            String object = "testdata/obj/" + o[0] + ".bpf.o";
            Gew.Result json = Gew.run("session", "apply", "--object", object, "--load-only", "--dry-run", "-o", "json");
            DryRunReport.Builder b = DryRunReport.newBuilder();
            JsonFormat.parser().merge(json.out(), b);
            if (b.getVerdict() != DryRunReport.Verdict.WOULD_APPLY) {
                // what the kernel lacks, never the risk: load-only attaches nothing
                assertEquals(DryRunReport.Verdict.REFUSED_NOT_SUPPORTED, b.getVerdict(), json.toString());
                continue;
            }
            Gew.Result r = Gew.run("session", "apply", "--object", object, "--load-only", "--duration", "100ms");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("verify   program " + o[1] + ": verified"), r.toString());
            assertTrue(r.out().contains("verify   program " + o[2] + ": verified"), r.toString());
            assertFalse(r.out().contains("attach   "), "nothing is attached: " + r);
            loaded++;
        }
        assertTrue(loaded > 0, "neither object loads here");
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
