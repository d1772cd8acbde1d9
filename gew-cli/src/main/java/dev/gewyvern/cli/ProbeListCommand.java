package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.gewyvern.syscall.AttachPoints;
import dev.gewyvern.syscall.Capabilities;
import dev.gewyvern.syscall.Capability;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gew probe list [PATTERN]}: like {@code bpftrace -l}, with each point's state on this kernel and,
 * for the kinds it cannot use, why (once per kind, at the end).
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List attach points as KIND:NAME with their state on this kernel (like bpftrace -l, with reasons).",
            "PATTERN is a glob over KIND:NAME (e.g. 'tracepoint:sched:*', '*:sched_switch'); without * or ? it "
                + "matches anywhere."})
final class ProbeListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PATTERN", description = "Glob over KIND:NAME.")
    String pattern;

    @Option(names = "--supported", description = "Only the points this kernel lets gewyvern use.")
    boolean onlySupported;

    @Override
    public Integer call() {
        Root.require("probe list");
        PrintWriter out = spec.commandLine().getOut();
        List<AttachPoints.AttachPoint> points = AttachPoints.list(AttachPoints.glob(pattern));
        Map<String, String> refused = new LinkedHashMap<>();
        int shown = 0;
        for (AttachPoints.AttachPoint p : points) {
            if (onlySupported && !p.support().isSupported()) {
                continue;
            }
            out.printf("%-60s %s%n", p.target(), AttachPoints.state(p.support()));
            if (!p.support().isSupported()) {
                refused.putIfAbsent(p.kind(), p.support().toString());
            }
            shown++;
        }
        if (!refused.isEmpty()) {
            out.println();
            for (Map.Entry<String, String> e : refused.entrySet()) {
                out.println(e.getKey() + ": " + e.getValue());
            }
        }
        out.flush();
        if (shown == 0) {
            spec.commandLine().getErr().println("gew: no attach point matches '" + (pattern == null ? "" : pattern)
                    + "' (kinds: " + kinds() + ")");
            return 1;
        }
        return 0;
    }

    private static String kinds() {
        StringBuilder sb = new StringBuilder();
        for (Capability c : Capabilities.withoutHelpers().of(Capability.Category.ATTACH_KIND)) {
            sb.append(sb.length() == 0 ? "" : ", ").append(c.name());
        }
        return sb.toString();
    }
}
