package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.gewyvern.proto.v1.CapabilityEntry;
import dev.gewyvern.proto.v1.ProbeList;
import dev.gewyvern.proto.v1.ProbePoint;
import dev.gewyvern.session.ProbeReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gew probe list [PATTERN]}: like {@code bpftrace -l}, with each point's state on this kernel; why a
 * kind cannot be used goes to stderr, once per kind, after the list. One {@link ProbeList} message.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew probe list 'tracepoint:sched:*'",
            "  gew probe list --supported sched_switch",
            "  gew probe list 'fentry:tcp_v4_*'"},
        description = {"List attach points as KIND:NAME with their state on this kernel (like bpftrace -l, with reasons).",
            "PATTERN is a glob over KIND:NAME (e.g. 'tracepoint:sched:*', '*:sched_switch'); without * or ? it "
                + "matches anywhere. Kinds listed: tracepoint, raw_tp, tp_btf, fentry, fexit, kprobe, lsm, iter, "
                + "perf_event, cgroup, xdp, tcx, sk_lookup, flow_dissector (fmod_ret takes fentry's functions, "
                + "kretprobe and kprobe.multi kprobe's)."})
final class ProbeListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PATTERN", description = "Glob over KIND:NAME.")
    String pattern;

    @Option(names = "--supported", description = "Only the points this kernel lets gewyvern use.")
    boolean onlySupported;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        Root.require("probe list");
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProbeList list = ProbeReport.of(pattern, onlySupported);
        if (list.getPointsCount() == 0) {
            // nothing found (exit 4), said in one line; a script reading JSON still gets the (empty) report
            if (output.json()) {
                output.print(out, list, l -> { });
            }
            err.println("gew: probe list: no attach point matches '" + (pattern == null ? "" : pattern)
                    + "' (kinds listed: " + ProbeReport.kinds() + "; fmod_ret takes fentry's functions, kretprobe and "
                    + "kprobe.multi kprobe's)");
            err.flush();
            return ExitCode.NOT_FOUND.code();
        }
        output.print(out, list, l -> text(out, l));
        if (!output.json()) {
            for (CapabilityEntry k : list.getRefusedKindsList()) {
                err.println(k.getName() + ": " + k.getText());
            }
            err.flush();
        }
        return 0;
    }

    /** One line per point: KIND:NAME and its state (with why when it is not supported). */
    static void text(PrintWriter out, ProbeList list) {
        Table t = Table.plain(2).wrap(0); // no heading: a list to grep, as bpftrace -l prints
        for (ProbePoint p : list.getPointsList()) {
            t.row(p.getKind() + ":" + p.getName(), state(p));
        }
        t.print(out);
    }

    private static String state(ProbePoint p) {
        return switch (p.getState()) {
            case SUPPORTED -> "supported";
            case NOT_SUPPORTED -> "not supported: " + switch (p.getWhy()) {
                case NOT_SUPPORTED_REASON_ABSENT -> "absent";
                case NOT_SUPPORTED_REASON_REFUSED_BY_POLICY -> "refused by policy";
                case NOT_SUPPORTED_REASON_CONFIG_MISSING -> "config missing";
                default -> "not said why";
            };
            default -> "inconclusive";
        };
    }
}
