package dev.gewyvern.syscall;

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

    Capabilities(List<Capability> all, long probeNanos, boolean helpers) {
        this(all, probeNanos, helpers, false);
    }

    Capabilities(List<Capability> all, long probeNanos, boolean helpers, boolean cached) {
        this.all = List.copyOf(all);
        this.probeNanos = probeNanos;
        this.helpers = helpers;
        this.cached = cached;
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
