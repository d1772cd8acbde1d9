package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.gewyvern.proto.v1.SessionList;
import dev.gewyvern.proto.v1.SessionSummary;
import dev.gewyvern.session.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew session list", "  gew session list -o json"},
        description = "The sessions pinned under /sys/fs/bpf/gewyvern: phase, owner pid (? when the owner is gone), "
                + "since when, programs.")
final class SessionListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Engine engine = Engines.observe("session list", spec.commandLine().getErr())) {
            output.print(out, engine.list(), list -> text(out, list));
        }
        return 0;
    }

    /** One line per session; ids are cut to a unique start only when the table would not fit otherwise. */
    static void text(PrintWriter out, SessionList list) {
        if (list.getSessionsCount() == 0) {
            out.println("no sessions");
            return;
        }
        Table t = Table.of("SESSION", "PHASE", "PID", "SINCE", "PROGRAMS").right(2).wrap(4)
                .ids(0, SessionListCommand::idMinimum);
        for (SessionSummary s : list.getSessionsList()) {
            var r = s.getRecord();
            StringBuilder progs = new StringBuilder();
            for (var p : r.getPipeline().getProgramsList()) {
                progs.append(progs.length() == 0 ? "" : ",").append(p.getName());
            }
            t.row(r.getSessionId(), r.getPhase(), s.getOwnerPid() + (s.getOwnerRunning() ? "" : "?"),
                    Table.time(r.getCreatedUnixMs()), progs);
        }
        t.print(out);
    }

    /** A cut session id keeps its pipeline name and 8 of its random characters. */
    static int idMinimum(String id) {
        return id.lastIndexOf('-') + 1 + 8;
    }
}
