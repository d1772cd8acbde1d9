package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


import org.junit.jupiter.api.Test;

import dev.gewyvern.elf.ProgramSection;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.AttachTarget.KindCase;
import dev.gewyvern.proto.v1.BtfTracepoint;
import dev.gewyvern.proto.v1.Cgroup;
import dev.gewyvern.proto.v1.Freplace;
import dev.gewyvern.proto.v1.Kprobe;
import dev.gewyvern.proto.v1.KprobeMulti;
import dev.gewyvern.proto.v1.LoadOnly;
import dev.gewyvern.proto.v1.NetfilterHook;
import dev.gewyvern.proto.v1.NetworkInterface;
import dev.gewyvern.proto.v1.NetworkNamespace;
import dev.gewyvern.proto.v1.PerfEvent;
import dev.gewyvern.proto.v1.RawTracepoint;
import dev.gewyvern.proto.v1.StructOps;
import dev.gewyvern.proto.v1.Tracepoint;
import dev.gewyvern.proto.v1.Tracing;
import dev.gewyvern.proto.v1.Uprobe;
import dev.gewyvern.proto.v1.UprobeMulti;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The --attach codec: format then parse is the identity over every kind, and a word must fit the section. */
class AttachSpecTest {
    @Property(tries = 2000)
    void parseOfFormatIsTheSameSpec(@ForAll("specs") AttachSpec s) {
        assertEquals(s, AttachSpec.parse(s.format()), s.format());
    }

    @Property(tries = 300)
    void aTargetPrintsAsTextThatParsesBackToIt(@ForAll("specs") AttachSpec s) {
        assertEquals(s.target(), AttachSpec.parse(AttachSpec.format(s.target())).target());
    }

    /** What the engine's attach lines print for a program: text --attach reads back, in a word its section fits. */
    @Property(tries = 1000)
    void aProgramsTargetPrintsInAWordItsSectionFits(@ForAll ProgramSection section, @ForAll("specs") AttachSpec s) {
        AttachSpec printed = AttachSpec.of(section, s.target());
        AttachSpec read = AttachSpec.parse(printed.format());
        assertEquals(s.target(), read.target(), printed.format());
        if (AttachKind.of(section).filter(k -> k.shape() == s.target().getKindCase()).isPresent()) {
            read.checkFits("p", section, section.pattern());
        } else {
            assertEquals(AttachKind.generic(s.target().getKindCase()), read.kind(), printed.format());
        }
    }

    @Test
    void everyKindIsGenerated() {
        for (AttachKind k : AttachKind.values()) {
            assertEquals(k, AttachSpec.parse(k.word() + example(k)).kind(), k.word());
        }
    }

    @Test
    void aWordMustFitTheProgramsSection() {
        AttachSpec fexit = AttachSpec.parse("fexit:do_unlinkat");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fexit.checkFits("t_fentry", ProgramSection.FENTRY, "fentry/do_unlinkat"));
        assertEquals("--attach 'fexit:do_unlinkat' does not fit program t_fentry: its section fentry/do_unlinkat does not "
                + "attach as fexit; write fentry:do_unlinkat", e.getMessage());
        IllegalArgumentException xdp = assertThrows(IllegalArgumentException.class, () -> AttachSpec.parse("xdp:lo")
                .checkFits("count_execs", ProgramSection.TRACEPOINT, "tracepoint/syscalls/sys_enter_execve"));
        assertTrue(xdp.getMessage().endsWith("does not attach as xdp; it attaches as tracepoint:…"), xdp.getMessage());
        AttachSpec.parse("tracing:do_unlinkat").checkFits("p", ProgramSection.FEXIT_S, "fexit.s/do_unlinkat");
        AttachSpec.parse("netdev:lo").checkFits("p", ProgramSection.TCX_INGRESS, "tcx/ingress");
        AttachSpec.parse("tcx:lo").checkFits("p", ProgramSection.TC, "tc");
        AttachSpec.parse("uprobe.multi:/bin/true:main").checkFits("p", ProgramSection.UPROBE_MULTI_S, "uprobe.multi.s");
        AttachSpec.parse("tp:sched:sched_switch").checkFits("p", ProgramSection.TRACEPOINT_S, "tracepoint.s");
        AttachSpec.parse("none").checkFits("p", ProgramSection.XDP, "xdp");
        AttachSpec.parse("xdp:lo").checkFits("p", ProgramSection.XDP_FRAGS, "xdp.frags");
        assertThrows(IllegalArgumentException.class, () -> AttachSpec.parse("kprobe:f").checkFits("p", ProgramSection.KRETPROBE, "kretprobe/f"));
    }

    @Test
    void everySectionThatTakesATargetHasAKind() {
        for (ProgramSection s : ProgramSection.values()) {
            if (s.target() == ProgramSection.Target.TRACEPOINT || s.target() == ProgramSection.Target.KPROBE
                    || s.target() == ProgramSection.Target.UPROBE || s.name().startsWith("XDP")
                    || s.name().startsWith("CGROUP") || s.name().startsWith("TCX") || s.name().startsWith("NETKIT")) {
                assertTrue(AttachKind.of(s).isPresent(), s.name());
            }
        }
    }

    @Test
    void sharedShapesPrintTheirGenericWord() {
        assertEquals("tracing:do_unlinkat", AttachSpec.format(AttachSpec.parse("fmod_ret:do_unlinkat").target()));
        assertEquals("netdev:lo@/run/netns/blue", AttachSpec.format(AttachSpec.parse("xdp:lo@blue").target()));
        assertEquals("netns:/run/netns/red", AttachSpec.format(AttachSpec.parse("flow_dissector:red").target()));
        assertEquals("perf_event:cpu-cycles:2", AttachSpec.format(AttachSpec.parse("perf_event:cpu-cycles:2").target()));
        assertEquals("raw_tp:sched_switch", AttachSpec.format(AttachSpec.parse("raw_tracepoint:sched_switch").target()));
    }

    private static String example(AttachKind k) {
        return switch (k.shape()) {
            case LOAD_ONLY, STRUCT_OPS -> "";
            case TRACEPOINT -> ":a:b";
            case UPROBE, UPROBE_MULTI -> ":/bin/true:main";
            case NETFILTER -> ":ipv4:local_in:1";
            default -> ":x";
        };
    }

    private static Arbitrary<String> ident() {
        return Arbitraries.strings().withCharRange('a', 'z').withChars('_').ofMinLength(1).ofMaxLength(12)
                .filter(s -> !s.equals("_"));
    }

    private static Arbitrary<String> path() {
        return ident().list().ofMinSize(1).ofMaxSize(4).map(l -> "/" + String.join("/", l));
    }

    private static Arbitrary<String> netns() {
        return Arbitraries.oneOf(Arbitraries.just(""), ident().map(n -> "/run/netns/" + n), path());
    }

    @Provide
    Arbitrary<AttachSpec> specs() {
        return Arbitraries.of(AttachKind.values()).flatMap(k -> target(k.shape()).map(t -> new AttachSpec(k, t)));
    }

    private static Arbitrary<AttachTarget> target(KindCase shape) {
        AttachTarget.Builder b = AttachTarget.newBuilder();
        return switch (shape) {
            case LOAD_ONLY -> Arbitraries.just(b.setLoadOnly(LoadOnly.getDefaultInstance()).build());
            case STRUCT_OPS -> Arbitraries.just(b.setStructOps(StructOps.getDefaultInstance()).build());
            case TRACEPOINT -> Combinators.combine(ident(), ident()).as((c, n) -> AttachTarget.newBuilder()
                    .setTracepoint(Tracepoint.newBuilder().setCategory(c).setName(n)).build());
            case RAW_TRACEPOINT -> ident().map(n -> AttachTarget.newBuilder()
                    .setRawTracepoint(RawTracepoint.newBuilder().setName(n)).build());
            case BTF_TRACEPOINT -> ident().map(n -> AttachTarget.newBuilder()
                    .setBtfTracepoint(BtfTracepoint.newBuilder().setName(n)).build());
            case ITER -> ident().map(n -> AttachTarget.newBuilder()
                    .setIter(dev.gewyvern.proto.v1.Iterator.newBuilder().setTarget(n)).build());
            case TRACING -> ident().map(n -> AttachTarget.newBuilder().setTracing(Tracing.newBuilder().setFunction(n)).build());
            case PERF_EVENT -> Combinators.combine(Arbitraries.of("cpu-clock", "page-faults", "task-clock",
                    "cpu-cycles", "instructions", "cache-misses"), Arbitraries.integers().between(0, 4096),
                    Arbitraries.longs().between(0, Long.MAX_VALUE)).as((e, cpu, period) -> {
                        PerfEvent.Builder pe = dev.gewyvern.session.PerfEvents.isHardware(e)
                                ? PerfEvent.newBuilder().setHardware(e) : PerfEvent.newBuilder().setSoftware(e);
                        return AttachTarget.newBuilder().setPerfEvent(pe.setCpu(cpu).setSamplePeriod(period)).build();
                    });
            case CGROUP -> path().map(p -> AttachTarget.newBuilder().setCgroup(Cgroup.newBuilder().setPath(p)).build());
            case NETDEV -> Combinators.combine(ident(), netns()).as((n, ns) -> AttachTarget.newBuilder()
                    .setNetdev(NetworkInterface.newBuilder().setName(n).setNetns(ns)).build());
            case NETNS -> path().map(p -> AttachTarget.newBuilder().setNetns(NetworkNamespace.newBuilder().setPath(p)).build());
            case UPROBE -> Combinators.combine(path(), ident()).as((p, s) -> AttachTarget.newBuilder()
                    .setUprobe(Uprobe.newBuilder().setBinary(p).setSymbol(s)).build());
            case UPROBE_MULTI -> Combinators.combine(path(), ident().list().ofMinSize(1).ofMaxSize(4),
                    Arbitraries.of("", "*", "malloc*", "?rintf")).as((p, syms, glob) -> {
                        UprobeMulti.Builder u = UprobeMulti.newBuilder().setBinary(p);
                        return AttachTarget.newBuilder().setUprobeMulti(glob.isEmpty() ? u.addAllSymbols(syms)
                                : u.setPattern(glob)).build();
                    });
            case NETFILTER -> Combinators.combine(Arbitraries.of("ipv4", "ipv6"), Arbitraries.of("prerouting",
                    "local_in", "forward", "local_out", "postrouting"), Arbitraries.integers(), netns())
                    .as((f, h, prio, ns) -> AttachTarget.newBuilder().setNetfilter(NetfilterHook.newBuilder()
                            .setFamily(f).setHook(h).setPriority(prio).setNetns(ns)).build());
            case KPROBE -> Combinators.combine(ident(), Arbitraries.longs().between(0, Long.MAX_VALUE))
                    .as((f, off) -> AttachTarget.newBuilder().setKprobe(Kprobe.newBuilder().setFunction(f).setOffset(off)).build());
            case KPROBE_MULTI -> Combinators.combine(ident().list().ofMinSize(1).ofMaxSize(4),
                    Arbitraries.of("", "tcp_*", "vfs_rea?")).as((syms, glob) -> AttachTarget.newBuilder().setKprobeMulti(
                            glob.isEmpty() ? KprobeMulti.newBuilder().addAllSymbols(syms)
                                    : KprobeMulti.newBuilder().setPattern(glob)).build());
            case FREPLACE -> Arbitraries.oneOf(ident().map(n -> AttachTarget.newBuilder()
                    .setFreplace(Freplace.newBuilder().setProgram(n)).build()), path().map(p -> AttachTarget.newBuilder()
                    .setFreplace(Freplace.newBuilder().setPinned(p)).build()));
            default -> throw new IllegalArgumentException(shape.toString());
        };
    }

}
