package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.gewyvern.proto.v1.LinkDetail;
import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.ProgramDetail;
import dev.gewyvern.proto.v1.SessionDetail;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.proto.v1.Verification;
import dev.gewyvern.session.AttachSpec;

/**
 * `gew session show` as text: the session's record and owner, then a table each of its programs (with a line
 * of sizes, map ids and what loading cost under each), links and maps ({@link MapText}), then each map's entries.
 */
final class SessionDetailText {
    private SessionDetailText() {
    }

    static void print(PrintWriter out, SessionDetail d) {
        SessionRecord r = d.getRecord();
        Table head = Table.plain(2).wrap(1);
        head.row("session", r.getSessionId());
        head.row("phase", r.getPhase() + " since " + Table.time(r.getUpdatedUnixMs()));
        head.row("owner", (d.getOwnerPid() == 0 ? "no owner record" : "pid " + d.getOwnerPid() + ", "
                + (d.getOwnerRunning() ? "running" : "gone")) + " (instance " + r.getInstanceId() + ")");
        head.row("pinned", d.getPinPath());
        head.print(out);

        out.println();
        Table programs = Table.of("PROGRAM", "TYPE", "TARGET", "ID", "TAG", "VERIFIED").right(3, 5).wrap(2);
        for (ProgramDetail p : d.getProgramsList()) {
            programs.row(p.getName(), p.getType(), target(r, p.getName()), p.getId(), p.getTag(), p.getVerifiedInsns());
            programs.note(costs(p));
        }
        if (programs.isEmpty()) {
            out.println("no programs pinned");
        } else {
            programs.print(out);
        }

        if (d.getLinksCount() > 0) {
            out.println();
            Table links = Table.of("LINK", "TYPE", "ID", "PROG ID", "TARGET").right(2, 3).wrap(4);
            for (LinkDetail l : d.getLinksList()) {
                links.row(l.getName(), l.getType(), l.getId(), l.getProgId(), l.getTarget());
            }
            links.print(out);
        }

        if (d.getMapsCount() > 0) {
            out.println();
            MapText.table(d.getMapsList()).print(out);
            for (MapContents m : d.getMapsList()) {
                MapText.entries(out, m, null);
            }
        }
        out.flush();
    }

    /** The program's target in --attach form, from the pipeline the session applied. */
    private static String target(SessionRecord r, String name) {
        for (Program p : r.getPipeline().getProgramsList()) {
            if (p.getName().equals(name)) {
                return AttachSpec.format(p.getAttach());
            }
        }
        return "";
    }

    /** Sizes, load time, BTF and map ids, runs, and what loading the program cost as the session recorded it. */
    static String costs(ProgramDetail p) {
        StringBuilder sb = new StringBuilder("xlated ").append(p.getXlatedBytes()).append(" B, jited ")
                .append(p.getJitedBytes()).append(" B, btf id ").append(p.getBtfId());
        if (p.getMapIdsCount() > 0) {
            sb.append(", map ids ").append(p.getMapIdsList().stream().map(String::valueOf)
                    .collect(Collectors.joining(",")));
        }
        if (p.getRunCount() != 0) {
            sb.append(", ran ").append(Long.toUnsignedString(p.getRunCount())).append(" times in ")
                    .append(Long.toUnsignedString(p.getRunTimeNs())).append(" ns");
        }
        sb.append(", loaded ").append(p.getLoadedAtUnixMs() == 0 ? "at an unknown time"
                : Table.time(p.getLoadedAtUnixMs()));
        if (!p.hasVerification()) {
            return sb.append(" (verifier statistics not recorded)").toString();
        }
        Verification v = p.getVerification();
        // the load call's wall time; the instructions processed are the VERIFIED column, named only when they differ
        return sb.append(" in ").append(String.format(Locale.ROOT, "%.2f ms", v.getLoadCallNs() / 1e6))
                .append(v.getVerifierTimeUs() < 0 ? "" : ", verifier " + v.getVerifierTimeUs() + " us")
                .append(v.getProcessedInsns() == p.getVerifiedInsns() ? ""
                        : ", verifier processed " + v.getProcessedInsns() + " insns").toString();
    }
}
