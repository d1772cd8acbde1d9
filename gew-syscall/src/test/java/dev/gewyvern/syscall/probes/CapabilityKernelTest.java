package dev.gewyvern.syscall.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.gewyvern.syscall.KernelTestSupport;
import dev.gewyvern.syscall.attr.KprobeMultiLinkAttr;
import dev.gewyvern.syscall.kernel.KernelTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The capability probes on the running kernel, held against {@code bpftool feature probe kernel} on the
 * same machine (an independent prober: libbpf's), and the kinds this machine's policy refuses asserted
 * through the report.
 */
class CapabilityKernelTest {
    private static final Pattern TYPE_LINE = Pattern.compile("eBPF (program_type|map_type) (\\S+) is (NOT )?available");
    private static Capabilities caps;
    private static Map<String, Boolean> bpftoolProgs = new LinkedHashMap<>();
    private static Map<String, Boolean> bpftoolMaps = new LinkedHashMap<>();
    /** Program type to the helpers bpftool lists for it; types bpftool reports "not supported" are absent. */
    private static Map<String, Set<String>> bpftoolHelpers = new LinkedHashMap<>();

    @BeforeAll
    static void probe() throws IOException, InterruptedException {
        KernelTestSupport.requireBpf();
        caps = Capabilities.running();
        Process p = new ProcessBuilder("bpftool", "feature", "probe", "kernel").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "bpftool feature probe kernel failed:\n" + text);
        String helperType = null;
        for (String line : text.split("\n")) {
            Matcher m = TYPE_LINE.matcher(line);
            if (m.matches()) {
                (m.group(1).equals("program_type") ? bpftoolProgs : bpftoolMaps).put(m.group(2), m.group(3) == null);
                helperType = null;
            } else if (line.startsWith("eBPF helpers supported for program type ")) {
                helperType = line.substring("eBPF helpers supported for program type ".length()).replace(":", "");
                bpftoolHelpers.put(helperType, new LinkedHashSet<>());
            } else if (helperType != null && line.startsWith("\t- bpf_")) {
                bpftoolHelpers.get(helperType).add(line.substring("\t- bpf_".length()).trim());
            } else if (helperType != null && line.contains("Program type not supported")) {
                bpftoolHelpers.remove(helperType);
                helperType = null;
            } else if (!line.startsWith("\t")) {
                helperType = null;
            }
        }
        assertTrue(bpftoolProgs.size() > 20 && bpftoolMaps.size() > 20, "could not read bpftool's report:\n" + text);
    }

    @Test
    void programTypesAgreeWithBpftool() {
        List<String> disagree = new ArrayList<>();
        for (Map.Entry<String, Boolean> e : bpftoolProgs.entrySet()) {
            Support ours = caps.support(Capability.Category.PROGRAM_TYPE, e.getKey());
            if (ours.isSupported() != e.getValue()) {
                disagree.add(e.getKey() + ": bpftool " + (e.getValue() ? "available" : "NOT available") + ", gew " + ours);
            }
        }
        assertEquals(List.of(), disagree);
    }

    @Test
    void mapTypesAgreeWithBpftool() {
        List<String> disagree = new ArrayList<>();
        for (Map.Entry<String, Boolean> e : bpftoolMaps.entrySet()) {
            Support ours = caps.support(Capability.Category.MAP_TYPE, e.getKey());
            if (ours.isSupported() != e.getValue()) {
                disagree.add(e.getKey() + ": bpftool " + (e.getValue() ? "available" : "NOT available") + ", gew " + ours);
            }
        }
        assertEquals(List.of(), disagree);
    }

    /**
     * bpftool 7.1 (libbpf 1.1) counts a helper as missing only when the verifier says "invalid func" or
     * "unknown func"; kernels since 6.x say "program of this type cannot use helper" instead, which it
     * takes for support. So: every helper bpftool misses we miss too, and every helper we miss that
     * bpftool lists is one the verifier refused with that newer message (checked by loading it again).
     */
    @Test
    void helpersAgreeWithBpftool() {
        int known = 0;
        for (Set<String> s : bpftoolHelpers.values()) {
            for (String h : s) {
                known = Math.max(known, KernelTypes.running().helpers().getOrDefault(h, 0));
            }
        }
        assertTrue(known > 100, "bpftool listed no helpers");
        List<String> disagree = new ArrayList<>();
        int compared = 0;
        for (Map.Entry<String, Set<String>> t : bpftoolHelpers.entrySet()) {
            if (HelperProbes.NO_PROBE_TYPES.contains(t.getKey())) {
                continue;
            }
            for (Map.Entry<String, Integer> h : KernelTypes.running().helpers().entrySet()) {
                if (h.getValue() > known || HelperProbes.NOISY.contains(h.getKey())) {
                    continue;
                }
                compared++;
                Support ours = caps.helper(t.getKey(), h.getKey()).orElseThrow().support();
                boolean theirs = t.getValue().contains(h.getKey());
                if (ours.isSupported() && !theirs) {
                    disagree.add(t.getKey() + "/" + h.getKey() + ": gew supported, bpftool not");
                } else if (!ours.isSupported() && theirs && !ours.detail().contains("refuses it for")) {
                    disagree.add(t.getKey() + "/" + h.getKey() + ": bpftool supported, gew " + ours);
                }
            }
        }
        assertTrue(compared > 1000, "compared only " + compared + " helpers");
        assertEquals(List.of(), disagree);
    }

    @Test
    void aHelperRefusedForItsProgramTypeIsRefusedForReal() {
        // bpf_skb_load_bytes (networking) in a tracepoint program: the verifier must refuse it
        Support s = caps.helper("tracepoint", "skb_load_bytes").orElseThrow().support();
        assertFalse(s.isSupported(), s.toString());
        assertTrue(caps.helper("socket_filter", "skb_load_bytes").orElseThrow().support().isSupported());
        assertTrue(caps.helper("tracepoint", "map_lookup_elem").orElseThrow().support().isSupported());
    }

    /**
     * A refusal by policy is what the probe met as root: EPERM (or EACCES for perf events), never a guess.
     * Which kinds a machine's policy refuses is the report's to say; this holds each such answer to it.
     */
    @Test
    void policyRefusalsAreWhatTheProbeMetAsRoot() {
        for (Capability c : caps.all()) {
            if (c.support() instanceof Support.NotSupported ns && ns.why() == Support.Why.REFUSED_BY_POLICY) {
                assertTrue(ns.detail().contains("EPERM") || ns.detail().contains("EACCES"), c.label() + ": " + ns);
            }
        }
    }

    /**
     * The tracing kinds follow the tracing program type: where bpftool finds BPF_PROG_TYPE_TRACING
     * unavailable (a policy's EPERM, or an old kernel), fentry, fexit and fmod_ret are not supported in
     * gew's report either, with the same reason the program type has.
     */
    @Test
    void tracingKindsFollowTheTracingProgramType() {
        if (bpftoolProgs.getOrDefault("tracing", true)) {
            return; // the kinds are then decided by their own probe loads, held to the kernel by the kernel tests
        }
        Support type = caps.support(Capability.Category.PROGRAM_TYPE, "tracing");
        for (String kind : List.of("fentry", "fexit", "fmod_ret")) {
            Support s = caps.support(Capability.Category.ATTACH_KIND, kind);
            assertTrue(s instanceof Support.NotSupported ns && type instanceof Support.NotSupported nt
                    && ns.why() == nt.why(), kind + ": " + s + " where program type tracing is " + type);
        }
    }

    @Test
    void kprobesWithoutAPmuAreAMissingConfig() {
        boolean pmu = Files.isDirectory(Path.of("/sys/bus/event_source/devices/kprobe"));
        for (String kind : List.of("kprobe", "kretprobe")) {
            Support s = caps.support(Capability.Category.ATTACH_KIND, kind);
            if (pmu) {
                continue;
            }
            assertTrue(s instanceof Support.NotSupported ns && ns.why() == Support.Why.CONFIG_MISSING, kind + ": " + s);
            assertTrue(s.detail().contains("CONFIG_KPROBES off / no kprobe PMU"), kind + ": " + s);
        }
    }

    /**
     * The multi-kprobe kinds are asked of the kernel by a link on a function no kernel has, never decided by
     * the kprobe PMU or by a flag's name in the BTF: kretprobe.multi came with kprobe.multi, so the two agree
     * (on 6.1, whose BTF lacks BPF_F_KPROBE_MULTI_RETURN, as here); without fprobe both are a missing config.
     */
    @Test
    void multiKprobesAreProbedByALinkAndAgree() {
        Support multi = caps.support(Capability.Category.ATTACH_KIND, "kprobe.multi");
        Support ret = caps.support(Capability.Category.ATTACH_KIND, "kretprobe.multi");
        assertEquals(multi.state(), ret.state(), multi + " / " + ret);
        for (Support s : List.of(multi, ret)) {
            assertTrue(s.detail().contains("BPF_LINK_CREATE") || s.detail().contains("kernel's BTF"), s.toString());
            if (s instanceof Support.NotSupported ns && ns.why() == Support.Why.CONFIG_MISSING) {
                assertTrue(s.detail().contains("EOPNOTSUPP") && s.detail().contains("CONFIG_FPROBE"), s.toString());
            }
            if (s.isSupported()) {
                assertTrue(s.detail().contains("ESRCH") || s.detail().contains("ENOENT"), s.toString());
            }
        }
        // the flag's value, where this kernel's BTF names it, is the UAPI's the link uses
        int inBtf = KernelTypes.running().constant("BPF_F_KPROBE_MULTI_RETURN");
        assertTrue(inBtf < 0 || inBtf == KprobeMultiLinkAttr.RETURN, "BPF_F_KPROBE_MULTI_RETURN = " + inBtf);
    }

    /**
     * fmod_ret is probed per class of target: an error-injection function (fmod_ret) and a security_* function
     * (fmod_ret.security). Each answers for itself; a verifier that says "is not modifiable" for the first is
     * a kernel without an error-injection list, reported as the missing config it is, with the verifier's words.
     */
    @Test
    void fmodRetIsProbedPerClassOfTarget() {
        Support errorInjection = caps.support(Capability.Category.ATTACH_KIND, "fmod_ret");
        Support security = caps.support(Capability.Category.ATTACH_KIND, "fmod_ret.security");
        assertTrue(errorInjection.detail().contains("bpf_modify_return_test"), errorInjection.toString());
        assertTrue(security.detail().contains(FmodRetProbe.SECURITY_TARGET), security.toString());
        if (errorInjection.detail().contains("is not modifiable")) {
            assertTrue(errorInjection instanceof Support.NotSupported ns && ns.why() == Support.Why.CONFIG_MISSING
                    && ns.detail().contains("CONFIG_FUNCTION_ERROR_INJECTION"), errorInjection.toString());
        }
    }

    /** No probe reports the verifier's statistics line as its evidence: the reason is the line before it. */
    @Test
    void noEvidenceIsTheVerifiersStatisticsLine() {
        for (Capability c : caps.all()) {
            assertFalse(c.support().detail().matches("(?s).*processed \\d+ insns.*"), c.label() + ": " + c.support());
        }
    }

    @Test
    void hardwarePerfEventsFollowTheHardwarePmu() {
        Support s = caps.support(Capability.Category.ATTACH_KIND, "perf_event.hardware");
        if (!Files.isDirectory(Path.of("/sys/bus/event_source/devices/cpu"))) {
            assertTrue(s instanceof Support.NotSupported ns && ns.why() == Support.Why.ABSENT
                    && s.detail().startsWith("no hardware PMU"), s.toString());
        } else {
            assertTrue(s.isSupported() || s instanceof Support.NotSupported ns && ns.why() == Support.Why.REFUSED_BY_POLICY,
                    s.toString());
        }
    }

    /**
     * Every attach kind gets an answer: supported, or not supported with its reason. (The kernel tests
     * then attach each supported kind for real and check each refusal, on whatever kernel they run on.)
     */
    @Test
    void everyAttachKindIsDecided() {
        List<Capability> kinds = caps.of(Capability.Category.ATTACH_KIND);
        assertTrue(kinds.size() > 30, "attach kinds: " + kinds.size());
        for (Capability c : kinds) {
            assertFalse(c.support() instanceof Support.Inconclusive, c.label() + ": " + c.support());
            assertFalse(c.support().detail().isEmpty() && !c.support().isSupported(), c.label());
        }
    }

    /** Loader features whose command or kind the kernel's own BTF names are supported exactly when it does. */
    @Test
    void featuresFollowTheKernelsBtf() {
        KernelTypes k = KernelTypes.running();
        assertEquals(k.value("bpf_cmd", "BPF_LINK_CREATE") >= 0,
                caps.support(Capability.Category.FEATURE, "bpf_link").isSupported(), "bpf_link");
        assertEquals(k.value("bpf_cmd", "BPF_TOKEN_CREATE") >= 0,
                caps.support(Capability.Category.FEATURE, "bpf_token").isSupported(), "bpf_token");
        assertEquals(k.constant("BTF_KIND_ENUM64") >= 0,
                caps.support(Capability.Category.FEATURE, "btf_enum64").isSupported(), "btf_enum64");
        assertEquals(k.constant("BTF_KIND_TYPE_TAG") >= 0,
                caps.support(Capability.Category.FEATURE, "btf_type_tag").isSupported(), "btf_type_tag");
        assertTrue(caps.support(Capability.Category.FEATURE, "bpf_syscall").isSupported());
    }

    @Test
    void everyKernelTypeIsProbedOnce() {
        Set<String> seen = new LinkedHashSet<>();
        for (Capability c : caps.all()) {
            if (!seen.add(c.category() + " " + c.scope() + "/" + c.name())) {
                fail("probed twice: " + c);
            }
        }
        for (String t : KernelTypes.running().programTypes().keySet()) {
            if (!t.equals("unspec")) {
                assertTrue(caps.find(Capability.Category.PROGRAM_TYPE, t).isPresent(), t);
            }
        }
    }

    @Test
    void probingIsDoneOncePerProcess() {
        assertTrue(Capabilities.running() == caps);
        assertTrue(Capabilities.withoutHelpers() == caps, "the full set serves callers that need no helpers");
        assertTrue(caps.hasHelpers());
    }

    @Test
    void withoutHelpersAnswersTheSameForEverythingElse() {
        Capabilities lean = CapabilityProbes.probeAll(KernelTypes.running(), false);
        assertFalse(lean.hasHelpers());
        assertTrue(lean.of(Capability.Category.HELPER).isEmpty());
        for (Capability c : lean.all()) {
            assertEquals(caps.support(c.category(), c.name()).state(), c.support().state(), c.label());
        }
        assertTrue(lean.all().size() > 100, "probed " + lean.all().size());
    }
}
