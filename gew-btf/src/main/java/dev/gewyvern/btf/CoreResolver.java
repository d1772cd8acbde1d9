package dev.gewyvern.btf;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves the CO-RE relocations of one object (its local BTF) against a target, with libbpf's
 * semantics: the local access is parsed, matched in every candidate, and all matching candidates
 * must agree on the field's offset and on the value; none matching leaves the instruction to be
 * poisoned (or a 0 / "does not exist" value for the kinds that ask). As libbpf does, the candidates
 * of each local type are narrowed to the ones that matched, for the object's later relocations of
 * the same type. Not thread-safe: one per object load.
 */
public final class CoreResolver {
    private final Btf local;
    private final CoreCandidates candidates;
    private final Map<Integer, List<CoreCandidates.Candidate>> narrowed = new HashMap<>();
    private final Map<Site, Object> sites = new HashMap<>();

    public CoreResolver(Btf local, CoreCandidates candidates) {
        this.local = local;
        this.candidates = candidates;
    }

    /**
     * A resolver for an object: every relocation of its {@code ext} (may be null) is resolved at once,
     * in the object's order, as {@link #resolveAll} does.
     */
    public CoreResolver(Btf local, BtfExt ext, CoreCandidates candidates) {
        this(local, candidates);
        if (ext != null) {
            resolveAll(ext);
        }
    }

    public CoreCandidates candidates() {
        return candidates;
    }

    /**
     * Resolves every relocation of {@code ext} in its order, which is libbpf's (sections, then records),
     * so that the narrowing of candidates sees them as libbpf does; each result (or error) is kept
     * for {@link #resolve(String, int, int, String, CoreReloKind)} by its record's place. Records of an
     * unknown kind or with a bad access string offset are left for that call to report.
     */
    public void resolveAll(BtfExt ext) {
        // every type the object relocates against the target, looked for in one pass over it
        java.util.Set<Integer> types = new java.util.LinkedHashSet<>();
        for (List<BtfExt.CoreRelo> relos : ext.coreRelos().values()) {
            for (BtfExt.CoreRelo r : relos) {
                if (CoreReloKind.of(r.kind()).filter(k -> k != CoreReloKind.TYPE_ID_LOCAL).isPresent()
                        && r.typeId() > 0 && r.typeId() < local.typeCount()) {
                    types.add(r.typeId());
                }
            }
        }
        candidates.prefetch(local, types);
        for (Map.Entry<String, List<BtfExt.CoreRelo>> e : ext.coreRelos().entrySet()) {
            for (BtfExt.CoreRelo r : e.getValue()) {
                Optional<CoreReloKind> kind = CoreReloKind.of(r.kind());
                String access;
                try {
                    access = local.string(r.accessStrOff());
                } catch (BtfException bad) {
                    continue;
                }
                if (kind.isPresent()) {
                    outcome(new Site(e.getKey(), r.insnOff(), r.typeId(), access, kind.get()));
                }
            }
        }
    }

    /**
     * The relocation whose record is at byte {@code insnOff} of code section {@code section}: the
     * result {@link #resolveAll} kept for it (or its error, thrown again), or resolved now.
     */
    public CoreRelocationResult resolve(String section, int insnOff, int typeId, String access, CoreReloKind kind) {
        Object done = outcome(new Site(section, insnOff, typeId, access, kind));
        if (done instanceof CoreException e) {
            throw new CoreException(e.getMessage());
        }
        return (CoreRelocationResult) done;
    }

    /** The site's result or error, resolved once. */
    private Object outcome(Site site) {
        Object done = sites.get(site);
        if (done == null) {
            try {
                done = resolve(site.typeId(), site.access(), site.kind());
            } catch (CoreException e) {
                done = e;
            }
            sites.put(site, done);
        }
        return done;
    }

    /**
     * A relocation record's place and what it asks. Its equals and hashCode are written out (with the record's
     * meaning) because the generated ones are bootstrapped through method handles on first use: a cold start's cost.
     */
    private record Site(String section, int insnOff, int typeId, String access, CoreReloKind kind) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Site s && insnOff == s.insnOff && typeId == s.typeId && kind == s.kind
                    && section.equals(s.section) && access.equals(s.access);
        }

        @Override
        public int hashCode() {
            return (section.hashCode() * 31 + insnOff) * 31 + typeId;
        }
    }

    /** Resolves one relocation (type id, access string and kind as in {@code .BTF.ext}). */
    public CoreRelocationResult resolve(int typeId, String access, CoreReloKind kind) {
        try {
            return resolveChecked(typeId, access, kind);
        } catch (BtfException e) {
            throw new CoreException("CO-RE " + kind.label() + " relocation on " + CoreSpec.btfName(local, typeId)
                    + " [" + typeId + "] access \"" + access + "\": " + e.getMessage());
        }
    }

    private CoreRelocationResult resolveChecked(int typeId, String access, CoreReloKind kind) {
        CoreSpec localSpec = CoreSpec.parse(local, typeId, access, kind);
        ByteOrder order = local.order();
        if (kind == CoreReloKind.TYPE_ID_LOCAL) {
            return new CoreRelocationResult(kind, localSpec, Optional.empty(), typeId, typeId, false, 0, 0, false, false,
                    "");
        }
        if (local.name(typeId).isEmpty()) {
            throw new CoreException("CO-RE " + kind.label() + " relocation on " + CoreSpec.btfName(local, typeId)
                    + " [" + typeId + "]: relocations of anonymous types are not supported (give the type a name)");
        }
        List<CoreCandidates.Candidate> cands = narrowed.computeIfAbsent(typeId, id -> candidates.find(local, id));
        CoreCalc.Value localValue = CoreCalc.of(kind, localSpec, order);
        List<CoreCandidates.Candidate> kept = new ArrayList<>();
        CoreSpec chosen = null;
        CoreRelocationResult result = null;
        for (CoreCandidates.Candidate c : cands) {
            CoreSpec spec = CoreMatch.spec(localSpec, c.btf(), c.id());
            if (spec == null) {
                continue;
            }
            CoreRelocationResult r = result(kind, localSpec, spec, localValue, CoreCalc.of(kind, spec, order));
            if (chosen == null) {
                chosen = spec;
                result = r;
            } else if (spec.bitOffset() != chosen.bitOffset()) {
                throw new CoreException("CO-RE " + kind.label() + " relocation of " + localSpec.describe()
                        + " is ambiguous: candidates " + describe(c, spec) + " and " + describe(kept.get(0), chosen)
                        + " put the field at different offsets; make the local type a flavour that matches only one");
            } else if (r.poison() != result.poison() || r.targetValue() != result.targetValue()) {
                throw new CoreException("CO-RE " + kind.label() + " relocation of " + localSpec.describe()
                        + " is ambiguous: candidates " + describe(c, spec) + " and " + describe(kept.get(0), chosen)
                        + " give different values (" + (r.poison() ? "none" : r.targetValue()) + " and "
                        + (result.poison() ? "none" : result.targetValue()) + ")");
            }
            kept.add(c);
        }
        if (!kept.isEmpty()) {
            narrowed.put(typeId, kept);
            return result;
        }
        CoreRelocationResult none = result(kind, localSpec, null, localValue, CoreCalc.of(kind, null, order));
        if (!none.poison()) {
            return none;
        }
        String type = CoreSpec.btfName(local, typeId);
        String in = candidates.main().name() + "'s BTF";
        String why;
        if (cands.isEmpty()) {
            why = "no type named " + CoreNames.essential(local.name(typeId)) + " in " + in;
        } else if (kind.enumvalBased()) {
            why = type + " has no enumerator " + localSpec.accessors().get(0).name() + " in " + in;
        } else {
            why = type + " has no field " + localSpec.fieldPath().substring(1) + " (of a compatible type) in " + in;
        }
        return new CoreRelocationResult(kind, localSpec, Optional.empty(), none.localValue(), 0, none.validate(),
                none.localSize(), 0, true, false, why);
    }

    private static String describe(CoreCandidates.Candidate c, CoreSpec spec) {
        return c.source() + " [" + c.id() + "] " + spec.describe();
    }

    private CoreRelocationResult result(CoreReloKind kind, CoreSpec localSpec, CoreSpec target, CoreCalc.Value lv,
                                        CoreCalc.Value tv) {
        Optional<CoreSpec> t = Optional.ofNullable(target);
        if (tv.missing()) {
            return new CoreRelocationResult(kind, localSpec, t, lv.value(), 0, lv.validate(), lv.size(), 0, true,
                    false, "");
        }
        if (lv.size() != tv.size()) {
            BtfType lt = local.type(lv.typeId());
            BtfType nt = target.btf().type(tv.typeId());
            boolean pointers = lt instanceof BtfType.Ptr && nt instanceof BtfType.Ptr;
            boolean unsignedInts = lt instanceof BtfType.Int li && nt instanceof BtfType.Int ni
                    && li.encoding() != BtfType.Int.SIGNED && ni.encoding() != BtfType.Int.SIGNED;
            if (!pointers && !unsignedInts) {
                return new CoreRelocationResult(kind, localSpec, t, lv.value(), tv.value(), lv.validate(), lv.size(),
                        tv.size(), false, true, "the field's size changed from " + lv.size() + " to " + tv.size()
                        + " bytes and is not a pointer or an unsigned integer, so a load or store of it cannot be "
                        + "resized safely");
            }
        }
        return new CoreRelocationResult(kind, localSpec, t, lv.value(), tv.value(), lv.validate(), lv.size(),
                tv.size(), false, false, "");
    }
}
