package dev.gewyvern.session;

import java.util.HashSet;
import java.util.Set;

import dev.gewyvern.proto.v1.CapabilityEntry;
import dev.gewyvern.proto.v1.ProbeList;
import dev.gewyvern.proto.v1.ProbePoint;
import dev.gewyvern.syscall.AttachPoints;
import dev.gewyvern.syscall.probes.Capability;
import dev.gewyvern.syscall.probes.Support;

/** {@code gew probe list}: the attach points a glob selects, each with its kind's state on this kernel. */
public final class ProbeReport {
    private ProbeReport() {
    }

    /** The points whose {@code kind:name} matches {@code pattern} (null: all); only supported ones if asked. */
    public static ProbeList of(String pattern, boolean onlySupported) {
        ProbeList.Builder b = ProbeList.newBuilder();
        Set<String> refused = new HashSet<>();
        for (AttachPoints.AttachPoint p : AttachPoints.list(AttachPoints.glob(pattern))) {
            Support s = p.support();
            if (onlySupported && !s.isSupported()) {
                continue;
            }
            ProbePoint.Builder point = ProbePoint.newBuilder().setKind(p.kind()).setName(p.name());
            if (s instanceof Support.Supported) {
                point.setState(CapabilityEntry.State.SUPPORTED);
            } else if (s instanceof Support.NotSupported ns) {
                point.setState(CapabilityEntry.State.NOT_SUPPORTED).setWhy(RuntimeReport.why(ns.why()));
            } else {
                point.setState(CapabilityEntry.State.INCONCLUSIVE);
            }
            b.addPoints(point);
            if (!s.isSupported() && refused.add(p.kind())) {
                b.addRefusedKinds(RuntimeReport.entry(new Capability(Capability.Category.ATTACH_KIND, "", p.kind(), s)));
            }
        }
        return b.build();
    }

    /** The attach kinds that list points, for a pattern that matched none. */
    public static String kinds() {
        return String.join(", ", AttachPoints.KINDS);
    }
}
