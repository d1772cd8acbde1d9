package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.gewyvern.proto.v1.DryRunReport;
import org.junit.jupiter.api.Test;

/**
 * {@code --dry-run} through the launcher says what the apply would meet before anything is loaded, and exits
 * as the apply exits: a target that does not exist, or that does not fit the program's section, is refused by
 * both with the same code.
 */
class DryRunIT {
    private static final String OBJECT = "testdata/obj/attachkinds.bpf.o";

    private static void sameRefusal(String expected, String... target) throws Exception {
        Gew.Result dry = Gew.run(concat(target, "--dry-run", "-o", "json"));
        String[] applyArgs = new String[target.length + 2];
        System.arraycopy(target, 0, applyArgs, 0, target.length);
        applyArgs[target.length] = "--duration";
        applyArgs[target.length + 1] = "100ms";
        Gew.Result apply = Gew.run(applyArgs);
        assertNotEquals(0, apply.exit(), apply.toString());
        assertEquals(apply.exit(), dry.exit(), "dry run: " + dry + "\napply: " + apply);
        // the dry run's report says where and why by its fields, as the apply's error line does in words
        DryRunReport.Builder report = DryRunReport.newBuilder();
        JsonFormat.parser().merge(dry.out(), report);
        assertEquals(DryRunReport.Verdict.REFUSED_AT_PLAN, report.getVerdict(), dry.toString());
        assertEquals("attach", report.getFailedStep(), dry.toString());
        assertTrue(report.getFailure().contains(expected), dry.toString());
        assertTrue(apply.err().contains(expected), apply.toString());
    }

    @Test
    void aRawTracepointThatDoesNotExistIsRefusedByBoth() throws Exception {
        Gew.requireBpf();
        sameRefusal("no btf_trace_gew_no_such_tracepoint in its BTF", "session", "apply", "--object", OBJECT,
                "--program", "count_raw_tp", "--attach", "raw_tp:gew_no_such_tracepoint");
    }

    @Test
    void aTargetOfTheWrongKindIsRefusedByBoth() throws Exception {
        Gew.requireBpf();
        // the --attach word names a kind the program's section does not attach as: both are refused as a usage
        // error before any plan is made, naming the form that fits
        String[] target = {"session", "apply", "--object", OBJECT, "--program", "count_xdp", "--attach",
                "cgroup:/sys/fs/cgroup", "--allow-risky"};
        Gew.Result dry = Gew.run(concat(target, "--dry-run"));
        Gew.Result apply = Gew.run(concat(target, "--duration", "100ms"));
        assertEquals(2, apply.exit(), apply.toString());
        assertEquals(apply.exit(), dry.exit(), "dry run: " + dry + "\napply: " + apply);
        for (Gew.Result r : new Gew.Result[] {dry, apply}) {
            assertTrue(r.err().contains("does not fit program count_xdp: its section xdp does not attach as cgroup"),
                    r.toString());
            assertTrue(r.out().isEmpty(), "nothing planned or staged: " + r);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
