package dev.gewyvern.syscall.probes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.gewyvern.syscall.kernel.KernelTypes;

/**
 * What the running kernel can do, measured once per instance (process) by {@link CapabilityProbes}:
 * every program type, map type, attach kind, helper per program type and loader feature, each with its
 * {@link Support}.
 */
public final class Capabilities {
    private static volatile Capabilities running;
    private static volatile Capabilities withoutHelpers;

    private final List<Capability> all;
    private final Map<String, Capability> byKey = new LinkedHashMap<>();
    private final long probeNanos;
    private final boolean helpers;
    private final boolean cached;
    /**
     * Helper/program type pairs probed one at a time, when the whole set was not, by "type/helper": by this
     * process, or by an earlier command of this boot ({@link CapabilityCache} keeps them).
     */
    private final Map<String, Support> pairs = new java.util.concurrent.ConcurrentHashMap<>();

    Capabilities(List<Capability> all, long probeNanos, boolean helpers) {
        this(all, probeNanos, helpers, false, Map.of());
    }

    Capabilities(List<Capability> all, long probeNanos, boolean helpers, boolean cached, Map<String, Support> pairs) {
        this.all = List.copyOf(all);
        this.probeNanos = probeNanos;
        this.helpers = helpers;
        this.cached = cached;
        this.pairs.putAll(pairs);
        for (Capability c : all) {
            byKey.put(key(c.category(), c.scope(), c.name()), c);
        }
    }

    /** The running kernel's capabilities, probed on first use and kept for the life of this process. */
    public static Capabilities running() {
        Capabilities c = running;
        if (c == null) {
            synchronized (Capabilities.class) {
                c = running;
                if (c == null) {
                    running = c = CapabilityProbes.probeAll(KernelTypes.running(), true);
                }
            }
        }
        return c;
    }

    /**
     * Everything but the helpers (program and map types, attach kinds, features): about a hundred probes
     * instead of thousands, for callers that need no helper. The full set when it was probed already.
     */
    public static Capabilities withoutHelpers() {
        Capabilities c = running;
        if (c != null) {
            return c;
        }
        synchronized (Capabilities.class) {
            if (running != null) {
                return running;
            }
            if (withoutHelpers == null) {
                withoutHelpers = CapabilityProbes.probeAll(KernelTypes.running(), false);
            }
            return withoutHelpers;
        }
    }

    /** Whether these answers were read from this boot's {@link CapabilityCache} rather than probed by this process. */
    public boolean cached() {
        return cached;
    }

    /** Whether helpers were probed (false for {@link #withoutHelpers()}). */
    public boolean hasHelpers() {
        return helpers;
    }

    /** The helper/program type pairs probed one at a time so far, each as a HELPER capability. */
    List<Capability> pairs() {
        List<Capability> out = new ArrayList<>();
        pairs.forEach((k, s) -> {
            int slash = k.indexOf('/');
            out.add(new Capability(Capability.Category.HELPER, k.substring(0, slash), k.substring(slash + 1), s));
        });
        return out;
    }

    private static String pairKey(String programType, String helper) {
        return programType + "/" + helper;
    }

    private static String key(Capability.Category category, String scope, String name) {
        return category + "/" + scope + "/" + name;
    }

    public List<Capability> all() {
        return all;
    }

    public List<Capability> of(Capability.Category category) {
        List<Capability> out = new ArrayList<>();
        for (Capability c : all) {
            if (c.category() == category) {
                out.add(c);
            }
        }
        return out;
    }

    public Optional<Capability> find(Capability.Category category, String name) {
        return Optional.ofNullable(byKey.get(key(category, "", name)));
    }

    public Optional<Capability> helper(String programType, String helper) {
        return Optional.ofNullable(byKey.get(key(Capability.Category.HELPER, programType, helper)));
    }

    /**
     * Whether programs of {@code programType} can call {@code helper} (the kernel's name without {@code bpf_},
     * or {@code helper#N} for an id gewyvern has no name for) on this kernel: not supported (absent) when the
     * kernel's enum bpf_func_id has no such helper; otherwise the probe's answer, probed now for this one pair
     * (and kept) when the whole set was not probed. Program types whose helpers a minimal program cannot probe
     * answer inconclusive: only the verifier can tell.
     */
    public Support helperSupport(String programType, String helper) {
        Support probed = helpers ? null : pairs.get(pairKey(programType, helper));
        if (probed != null) {
            // probed at this boot already: neither the kernel's BTF nor a probe load is needed again
            return probed;
        }
        KernelTypes kernel = KernelTypes.running();
        Map<String, Integer> known = kernel.helpers();
        boolean inKernel = helper.startsWith("helper#")
                ? known.containsValue(Integer.parseInt(helper.substring("helper#".length())))
                : known.containsKey(helper);
        if (!inKernel) {
            return Support.notSupported(Support.Why.ABSENT, helper.startsWith("helper#")
                    ? "this kernel's enum bpf_func_id has no helper " + helper.substring("helper".length())
                    : "no BPF_FUNC_" + helper + " in this kernel's enum bpf_func_id");
        }
        if (HelperProbes.NO_PROBE_TYPES.contains(programType)) {
            // whatever the program type's own probe said (tracing is probed as fentry, which a kernel may refuse
            // while it loads tp_btf and iter programs): a minimal program cannot probe these helpers
            return Support.inconclusive(HelperProbes.NO_PROBE);
        }
        Capability whole = byKey.get(key(Capability.Category.HELPER, programType, "*"));
        if (whole != null) {
            return whole.support();
        }
        if (helpers) {
            Capability c = byKey.get(key(Capability.Category.HELPER, programType, helper));
            return c != null ? c.support() : Support.inconclusive("helper " + helper + " was not probed for "
                    + programType + " programs");
        }
        Support type = find(Capability.Category.PROGRAM_TYPE, programType).map(Capability::support)
                .orElse(absentFromKernel(Capability.Category.PROGRAM_TYPE, programType));
        return pairs.computeIfAbsent(pairKey(programType, helper),
                k -> HelperProbes.one(kernel, type, programType, helper));
    }

    /**
     * The answer for a name gewyvern knows but this kernel's BTF does not have: the probes enumerate the
     * kernel's own enums, so what they did not probe, the kernel does not have.
     */
    public static Support absentFromKernel(Capability.Category category, String name) {
        String upper = name.toUpperCase(java.util.Locale.ROOT);
        return Support.notSupported(Support.Why.ABSENT, switch (category) {
            case PROGRAM_TYPE -> "no BPF_PROG_TYPE_" + upper + " in this kernel's enum bpf_prog_type";
            case MAP_TYPE -> "no BPF_MAP_TYPE_" + upper + " in this kernel's enum bpf_map_type";
            case HELPER -> "no BPF_FUNC_" + name + " in this kernel's enum bpf_func_id";
            default -> "this kernel has no " + category.text() + " " + name;
        });
    }

    /** The support of a capability gewyvern knows the name of; throws naming it when it was not probed. */
    public Support support(Capability.Category category, String name) {
        return find(category, name).orElseThrow(() -> new IllegalArgumentException(
                "no " + category.text() + " named '" + name + "' was probed")).support();
    }

    /** How long probing took, in nanoseconds. */
    public long probeNanos() {
        return probeNanos;
    }
}
