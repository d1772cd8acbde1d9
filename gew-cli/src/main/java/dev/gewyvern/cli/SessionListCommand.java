package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import dev.gewyvern.session.Engine;
import dev.gewyvern.session.SessionSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true, description = "The sessions pinned under /sys/fs/bpf/gewyvern.")
final class SessionListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Engine engine = Engines.observe("session list", spec.commandLine().getErr())) {
            List<SessionSummary> sessions = engine.list();
            if (sessions.isEmpty()) {
                out.println("no sessions");
            } else {
                // columns as wide as the longest id (session ids carry 26 random characters)
                int sw = "SESSION".length();
                int iw = "INSTANCE".length();
                for (SessionSummary s : sessions) {
                    sw = Math.max(sw, s.record().getSessionId().length());
                    iw = Math.max(iw, s.record().getInstanceId().length());
                }
                String row = "%-" + sw + "s  %-10s %-" + iw + "s  %-8s %-19s %s%n";
                out.printf(row, "SESSION", "PHASE", "INSTANCE", "PID", "SINCE", "PROGRAMS");
                for (SessionSummary s : sessions) {
                    var r = s.record();
                    StringBuilder progs = new StringBuilder();
                    for (var p : r.getPipeline().getProgramsList()) {
                        progs.append(progs.length() == 0 ? "" : ",").append(p.getName());
                    }
                    out.printf(row, r.getSessionId(), r.getPhase(), r.getInstanceId(),
                            s.ownerPid() + (s.ownerAlive() ? "" : "?"), SessionPrinter.time(r.getCreatedUnixMs()), progs);
                }
            }
            out.flush();
        }
        return 0;
    }
}
