package dev.gewyvern.session;

import java.nio.file.Path;
import java.util.List;

import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BtfTracepoint;
import dev.gewyvern.proto.v1.Cgroup;
import dev.gewyvern.proto.v1.Freplace;
import dev.gewyvern.proto.v1.Kprobe;
import dev.gewyvern.proto.v1.KprobeMulti;
import dev.gewyvern.proto.v1.NetfilterHook;
import dev.gewyvern.proto.v1.NetworkInterface;
import dev.gewyvern.proto.v1.NetworkNamespace;
import dev.gewyvern.proto.v1.PerfEvent;
import dev.gewyvern.proto.v1.RawTracepoint;
import dev.gewyvern.proto.v1.StructOps;
import dev.gewyvern.proto.v1.Tracepoint;
import dev.gewyvern.proto.v1.Tracing;
import dev.gewyvern.proto.v1.Uprobe;

/**
 * An {@code --attach} value: how a program attaches ({@link AttachKind}, the word before the first colon) and
 * where (the Pipeline's {@code AttachTarget}). The one codec of that text: {@link #parse} reads what users
 * write, {@link #format} writes what {@code parse} reads back to the same value (a jqwik property holds
 * {@code parse(format(s)) == s} over every kind), and every output that names a target prints it so.
 * Relative paths are made absolute when read, and a network namespace name means /run/netns/NAME.
 * It lives in gew-session so the engine's own lines (the attach phase's {@code program P -> TARGET}) spell a
 * target as the CLI reads it. A value that is not one is an {@link IllegalArgumentException} whose message is
 * the line a user reads; the CLI reports it as a usage error.
 */
public record AttachSpec(AttachKind kind, AttachTarget target) {
    public AttachSpec {
        if (target.getKindCase() != kind.shape()) {
            throw new IllegalArgumentException(kind.word() + " takes a " + kind.shape() + " target");
        }
    }

    /** A target written as its generic kind (netdev:, netns:, tracing:) where the program's section is unknown. */
    public static String format(AttachTarget target) {
        return target.getKindCase() == AttachTarget.KindCase.KIND_NOT_SET ? ""
                : new AttachSpec(AttachKind.generic(target.getKindCase()), target).format();
    }

    /**
     * The spec a program of this section attaches with: the section's own kind (fentry:F for SEC("fentry/F"),
     * tcx:IF for a tc program), or the target's generic kind where the section has none of its shape.
     */
    public static AttachSpec of(dev.gewyvern.elf.ProgramSection section, AttachTarget target) {
        return new AttachSpec(AttachKind.of(section).filter(k -> k.shape() == target.getKindCase())
                .orElse(AttachKind.generic(target.getKindCase())), target);
    }

    /** The text {@link #parse} reads back to this value. */
    public String format() {
        AttachTarget a = target;
        String w = kind.word();
        return switch (kind.shape()) {
            case LOAD_ONLY, STRUCT_OPS -> w;
            case TRACEPOINT -> w + ":" + a.getTracepoint().getCategory() + ":" + a.getTracepoint().getName();
            case RAW_TRACEPOINT -> w + ":" + a.getRawTracepoint().getName();
            case BTF_TRACEPOINT -> w + ":" + a.getBtfTracepoint().getName();
            case ITER -> w + ":" + a.getIter().getTarget();
            case TRACING -> w + ":" + a.getTracing().getFunction();
            case PERF_EVENT -> {
                PerfEvent pe = a.getPerfEvent();
                String s = w + ":" + (pe.getHardware().isEmpty() ? pe.getSoftware() : pe.getHardware());
                if (pe.getCpu() != 0 || pe.getSamplePeriod() != 0) {
                    s += ":" + Integer.toUnsignedString(pe.getCpu());
                }
                yield pe.getSamplePeriod() == 0 ? s : s + ":" + Long.toUnsignedString(pe.getSamplePeriod());
            }
            case CGROUP -> w + ":" + a.getCgroup().getPath();
            case NETDEV -> w + ":" + a.getNetdev().getName() + netns(a.getNetdev().getNetns());
            case NETNS -> w + ":" + a.getNetns().getPath();
            case UPROBE -> w + ":" + a.getUprobe().getBinary() + ":" + a.getUprobe().getSymbol();
            case UPROBE_MULTI -> w + ":" + a.getUprobeMulti().getBinary() + ":" + (a.getUprobeMulti().getPattern().isEmpty()
                    ? String.join(",", a.getUprobeMulti().getSymbolsList()) : a.getUprobeMulti().getPattern());
            case NETFILTER -> w + ":" + a.getNetfilter().getFamily() + ":" + a.getNetfilter().getHook() + ":"
                    + a.getNetfilter().getPriority() + netns(a.getNetfilter().getNetns());
            case KPROBE -> w + ":" + a.getKprobe().getFunction()
                    + (a.getKprobe().getOffset() == 0 ? "" : "+" + a.getKprobe().getOffset());
            case KPROBE_MULTI -> w + ":" + (a.getKprobeMulti().getPattern().isEmpty()
                    ? String.join(",", a.getKprobeMulti().getSymbolsList()) : a.getKprobeMulti().getPattern());
            case FREPLACE -> w + ":" + (a.getFreplace().hasPinned() ? a.getFreplace().getPinned()
                    : a.getFreplace().getProgram());
            default -> throw new IllegalStateException("no text for " + kind.shape());
        };
    }

    private static String netns(String path) {
        return path.isEmpty() ? "" : "@" + path;
    }

    /** Every form {@link #parse} reads, as help and error lines name them. */
    public static final String FORMS = "tracepoint:CATEGORY:NAME, raw_tp:NAME, tp_btf:NAME, "
            + "perf_event:EVENT[:CPU[:PERIOD]] (a software or hardware event), cgroup:PATH, xdp:IFNAME[@NETNS], "
            + "tcx:IFNAME[@NETNS], netkit:IFNAME[@NETNS], "
            + "sk_lookup:NETNS, flow_dissector:NETNS, uprobe:BINARY:SYMBOL, uretprobe:BINARY:SYMBOL, "
            + "uprobe.multi:BINARY:SYMBOL,...|GLOB, uretprobe.multi:BINARY:SYMBOL,...|GLOB, "
            + "netfilter:ipv4|ipv6:HOOK:PRIORITY[@NETNS], iter:TARGET, fentry|fexit|fmod_ret:FUNCTION, lsm:HOOK, "
            + "kprobe:FUNCTION[+OFFSET], kretprobe:FUNCTION, kprobe.multi|kretprobe.multi:F1,F2,...|GLOB, "
            + "freplace:PROGRAM|/PINNED/PROGRAM, struct_ops (--program names the struct_ops map), "
            + "or none (loaded and pinned, not attached)";

    /** One {@code --attach} value; see {@link #FORMS}. A value that is not one: IllegalArgumentException. */
    public static AttachSpec parse(String spec) {
        int colon = spec.indexOf(':');
        String word = colon < 0 ? spec : spec.substring(0, colon);
        String rest = colon < 0 ? "" : spec.substring(colon + 1);
        AttachKind kind = AttachKind.of(word).orElse(null);
        AttachTarget t = kind == null ? null : target(spec, kind, rest);
        if (t == null) {
            throw new IllegalArgumentException("--attach '" + spec + "': want " + FORMS
                    + "; e.g. tracepoint:syscalls:sys_enter_execve");
        }
        return new AttachSpec(kind, t);
    }

    /** The target of {@code rest} for this kind, or null when it is not of the kind's form. */
    private static AttachTarget target(String spec, AttachKind kind, String rest) {
        AttachTarget.Builder b = AttachTarget.newBuilder();
        boolean word = !rest.isEmpty() && !rest.contains(":");
        switch (kind.shape()) {
            case LOAD_ONLY:
                return rest.isEmpty() ? b.setLoadOnly(dev.gewyvern.proto.v1.LoadOnly.getDefaultInstance()).build() : null;
            case STRUCT_OPS:
                return rest.isEmpty() ? b.setStructOps(StructOps.getDefaultInstance()).build() : null;
            case TRACEPOINT: {
                String[] f = rest.split(":", -1);
                return f.length == 2 && !f[0].isEmpty() && !f[1].isEmpty()
                        ? b.setTracepoint(Tracepoint.newBuilder().setCategory(f[0]).setName(f[1])).build() : null;
            }
            case RAW_TRACEPOINT:
                return word ? b.setRawTracepoint(RawTracepoint.newBuilder().setName(rest)).build() : null;
            case ITER:
                return word ? b.setIter(dev.gewyvern.proto.v1.Iterator.newBuilder().setTarget(rest)).build() : null;
            case BTF_TRACEPOINT:
                return word ? b.setBtfTracepoint(BtfTracepoint.newBuilder().setName(rest)).build() : null;
            case TRACING:
                return word ? b.setTracing(Tracing.newBuilder().setFunction(rest)).build() : null;
            case PERF_EVENT: {
                String[] f = rest.split(":", -1);
                if (f.length < 1 || f.length > 3 || f[0].isEmpty()) {
                    return null;
                }
                try {
                    PerfEvent.Builder pe = PerfEvents.isHardware(f[0])
                            ? PerfEvent.newBuilder().setHardware(f[0]) : PerfEvent.newBuilder().setSoftware(f[0]);
                    if (f.length > 1) {
                        pe.setCpu(Integer.parseUnsignedInt(f[1]));
                    }
                    if (f.length > 2) {
                        pe.setSamplePeriod(Long.parseUnsignedLong(f[2]));
                    }
                    return b.setPerfEvent(pe).build();
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--attach '" + spec + "': CPU and PERIOD are numbers, e.g. perf_event:cpu-clock:0:1000000");
                }
            }
            case CGROUP:
                return rest.isEmpty() ? null
                        : b.setCgroup(Cgroup.newBuilder().setPath(absolute(rest))).build();
            case NETDEV: {
                int at = rest.indexOf('@');
                String dev = at < 0 ? rest : rest.substring(0, at);
                if (dev.isEmpty()) {
                    return null;
                }
                NetworkInterface.Builder nd = NetworkInterface.newBuilder().setName(dev);
                if (at >= 0) {
                    nd.setNetns(namespace(spec, rest.substring(at + 1)));
                }
                return b.setNetdev(nd).build();
            }
            case NETNS:
                return rest.isEmpty() ? null
                        : b.setNetns(NetworkNamespace.newBuilder().setPath(namespace(spec, rest))).build();
            case UPROBE: {
                int last = rest.lastIndexOf(':');
                return last > 0 && last < rest.length() - 1 ? b.setUprobe(Uprobe.newBuilder()
                        .setBinary(absolute(rest.substring(0, last))).setSymbol(rest.substring(last + 1))).build() : null;
            }
            case UPROBE_MULTI: {
                int last = rest.lastIndexOf(':');
                if (last <= 0 || last == rest.length() - 1) {
                    return null;
                }
                String what = rest.substring(last + 1);
                var um = dev.gewyvern.proto.v1.UprobeMulti.newBuilder().setBinary(absolute(rest.substring(0, last)));
                if (what.contains("*") || what.contains("?")) {
                    um.setPattern(what);
                } else {
                    um.addAllSymbols(List.of(what.split(",", -1)));
                }
                return b.setUprobeMulti(um).build();
            }
            case NETFILTER: {
                int at = rest.indexOf('@');
                String[] f = (at < 0 ? rest : rest.substring(0, at)).split(":", -1);
                if (f.length != 3) {
                    return null;
                }
                try {
                    NetfilterHook.Builder nf = NetfilterHook.newBuilder().setFamily(f[0]).setHook(f[1])
                            .setPriority(Integer.parseInt(f[2]));
                    if (at >= 0) {
                        nf.setNetns(namespace(spec, rest.substring(at + 1)));
                    }
                    return b.setNetfilter(nf).build();
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--attach '" + spec + "': PRIORITY is a number, e.g. netfilter:ipv4:local_in:100");
                }
            }
            case KPROBE: {
                int plus = rest.indexOf('+');
                String function = plus < 0 ? rest : rest.substring(0, plus);
                if (function.isEmpty() || rest.contains(":")) {
                    return null;
                }
                try {
                    return b.setKprobe(Kprobe.newBuilder().setFunction(function)
                            .setOffset(plus < 0 ? 0 : Long.decode(rest.substring(plus + 1)))).build();
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--attach '" + spec + "': OFFSET is a number, e.g. kprobe:do_unlinkat+0x10");
                }
            }
            case KPROBE_MULTI: {
                if (!word) {
                    return null;
                }
                KprobeMulti.Builder km = KprobeMulti.newBuilder();
                if (rest.contains("*") || rest.contains("?")) {
                    km.setPattern(rest);
                } else {
                    km.addAllSymbols(List.of(rest.split(",", -1)));
                }
                return b.setKprobeMulti(km).build();
            }
            case FREPLACE:
                return word ? b.setFreplace(rest.contains("/") ? Freplace.newBuilder().setPinned(absolute(rest))
                        : Freplace.newBuilder().setProgram(rest)).build() : null;
            default:
                return null;
        }
    }

    private static String absolute(String path) {
        return Path.of(path).toAbsolutePath().normalize().toString();
    }

    private static String namespace(String spec, String ns) {
        if (ns.isEmpty()) {
            throw new IllegalArgumentException("--attach '" + spec + "': name the network namespace (a name under /run/netns, or a path)");
        }
        return ns.startsWith("/") ? ns : "/run/netns/" + ns;
    }

    /**
     * Refuses a kind that does not fit the program's section: {@code fexit:F} for a program in SEC("fentry/F"),
     * {@code xdp:lo} for a tc program. The word names how the program attaches, so a mismatch is a usage error
     * naming the word that fits, not a word silently ignored.
     */
    public void checkFits(String program, dev.gewyvern.elf.ProgramSection section, String sectionName) {
        if (kind.fits(section)) {
            return;
        }
        String fitting = AttachKind.of(section).filter(k -> k.shape() == kind.shape())
                .map(k -> "; write " + new AttachSpec(k, target).format()).orElse(
                        AttachKind.of(section).map(k -> "; it attaches as " + k.word() + ":…").orElse(""));
        throw new IllegalArgumentException("--attach '" + format() + "' does not fit program " + program + ": its section "
                + sectionName + " does not attach as " + kind.word() + fitting);
    }
}
