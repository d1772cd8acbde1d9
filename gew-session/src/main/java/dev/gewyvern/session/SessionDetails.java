package dev.gewyvern.session;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.gewyvern.elf.uapi.LinkType;
import dev.gewyvern.elf.uapi.ProgType;
import dev.gewyvern.proto.v1.LinkDetail;
import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.proto.v1.PinnedObject;
import dev.gewyvern.proto.v1.ProgramDetail;
import dev.gewyvern.proto.v1.SessionDetail;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.proto.v1.Verification;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.LinkInfo;
import dev.gewyvern.syscall.ProgInfo;
import dev.gewyvern.syscall.kernel.KernelTypes;

/**
 * The one report of a session ({@code gew session show}, gRPC GetSession): its record, pin folder and owner,
 * and each pinned program and link as the kernel describes it by fd (bpf_prog_info, bpf_link_info), with what
 * verifying each program cost as the record kept it; the maps come already described (MapReports).
 */
final class SessionDetails {
    private SessionDetails() {
    }

    /**
     * The report of the session pinned in {@code dir}, whose programs and links are pinned under the names
     * given, owned by {@code ownerPid} (0: no owner record).
     */
    static SessionDetail of(SessionRecord rec, Path dir, long ownerPid, boolean ownerRunning, List<String> programs,
                            List<String> links, List<MapContents> maps) {
        SessionDetail.Builder b = SessionDetail.newBuilder().setRecord(rec).setPinPath(dir.toString())
                .setOwnerPid(ownerPid).setOwnerRunning(ownerRunning).addAllMaps(maps);
        Map<String, Verification> verified = new HashMap<>();
        for (PinnedObject o : rec.getObjectsList()) {
            if (o.getKind() == PinnedObject.Kind.PROGRAM && o.hasVerification()) {
                verified.put(o.getName(), o.getVerification());
            }
        }
        for (String name : programs) {
            try (Fd fd = Bpf.get(dir.resolve(PinRoot.PROGS).resolve(name).toString(), "prog")) {
                b.addPrograms(program(name, Bpf.progInfo(fd), verified.get(name)));
            }
        }
        for (String name : links) {
            try (Fd fd = Bpf.get(dir.resolve(PinRoot.LINKS).resolve(name).toString(), "link")) {
                LinkInfo i = Bpf.linkInfo(fd);
                b.addLinks(LinkDetail.newBuilder().setName(name)
                        .setType(KernelTypes.text(LinkType.class, Integer.toUnsignedLong(i.type())))
                        .setId(i.id()).setProgId(i.progId()).setTarget(i.target()));
            }
        }
        return b.build();
    }

    /** A pinned program as bpf_prog_info describes it; {@code verification} null when the record has none. */
    static ProgramDetail program(String name, ProgInfo i, Verification verification) {
        ProgramDetail.Builder p = ProgramDetail.newBuilder().setName(name)
                .setType(KernelTypes.text(ProgType.class, i.type())).setId(i.id()).setTag(i.tag())
                .setVerifiedInsns(i.verifiedInsns()).setXlatedBytes(i.xlatedLen()).setJitedBytes(i.jitedLen())
                .setLoadedAtUnixMs(BootClock.unixMillis(i.loadTimeNs())).setBtfId(i.btfId())
                .setRunCount(i.runCount()).setRunTimeNs(i.runTimeNs());
        for (int id : i.mapIds()) {
            p.addMapIds(id);
        }
        if (verification != null) {
            p.setVerification(verification);
        }
        return p.build();
    }
}
