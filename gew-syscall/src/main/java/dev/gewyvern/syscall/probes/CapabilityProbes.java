package dev.gewyvern.syscall.probes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.gewyvern.syscall.kernel.KernelConfig;
import dev.gewyvern.syscall.kernel.KernelTypes;

/**
 * One run of the capability probes over the running kernel, category by category (program types first: the
 * other categories build on their answers), and what the run has found so far. Each probe creates only its
 * own throwaway objects (a two-instruction program, a one-entry map, a few bytes of BTF) and closes them at
 * once; none lists or opens anything else in the kernel. Program types, map types and helpers are probed the
 * way libbpf's {@code libbpf_probe_bpf_*} functions do, so that the answers can be held against
 * {@code bpftool feature probe}.
 */
final class CapabilityProbes {
    final KernelTypes kernel;
    final Optional<KernelConfig> config;
    private final List<Capability> out = new ArrayList<>();
    /** Each program type's own answer, which stands for its helpers and attach kinds when negative. */
    private final Map<String, Support> programTypes = new HashMap<>();

    CapabilityProbes(KernelTypes kernel, Optional<KernelConfig> config) {
        this.kernel = kernel;
        this.config = config;
    }

    static Capabilities probeAll(KernelTypes kernel, boolean helpers) {
        long start = System.nanoTime();
        CapabilityProbes run = new CapabilityProbes(kernel, KernelConfig.running());
        ProgramTypeProbes.probe(run);
        MapTypeProbes.probe(run);
        AttachKindProbes.probe(run);
        FeatureProbes.probe(run);
        if (helpers) {
            HelperProbes.probe(run);
        }
        return new Capabilities(run.out, System.nanoTime() - start, helpers);
    }

    void add(Capability.Category category, String scope, String name, Support s) {
        out.add(new Capability(category, scope, name, s));
        if (category == Capability.Category.PROGRAM_TYPE) {
            programTypes.put(name, s);
        }
    }

    /** A program type's answer in this run; absent when the kernel's BTF has no such type. */
    Support programType(String type) {
        return programTypes.getOrDefault(type, Support.notSupported(Support.Why.ABSENT, "no BPF_PROG_TYPE_"
                + type.toUpperCase(Locale.ROOT) + " in the kernel's BTF"));
    }

    /** Whether this run has an answer for program type {@code type} (the kernel's BTF names it). */
    boolean probed(String type) {
        return programTypes.containsKey(type);
    }

    /** A map type's answer in this run; absent when the kernel's BTF has no such type. */
    Support mapType(String name) {
        for (Capability c : out) {
            if (c.category() == Capability.Category.MAP_TYPE && c.name().equals(name)) {
                return c.support();
            }
        }
        return Support.notSupported(Support.Why.ABSENT, "no BPF_MAP_TYPE_" + name.toUpperCase(Locale.ROOT));
    }

    /** {@code CONFIG_X=value} as the kernel's configuration says, or that the kernel publishes none. */
    String configText(String option) {
        return config.map(c -> option + "=" + c.get(option)).orElse(option + " (no kernel config published)");
    }

    /** Whether the kernel's published configuration has {@code option} off (false when none is published). */
    boolean configOff(String option) {
        return config.isPresent() && !config.get().enabled(option);
    }
}
