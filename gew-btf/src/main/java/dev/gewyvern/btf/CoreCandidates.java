package dev.gewyvern.btf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Where CO-RE looks for the types a relocation may mean: a main BTF (vmlinux, or a BTF given in its
 * place) and, only when the main one has no candidate, kernel module BTFs, as libbpf searches them.
 * A candidate is a type of a compatible kind whose name is the local name up to the flavour
 * ({@code ___suffix}).
 *
 * <p>No BTF is indexed whole: the names an object needs are looked for in one pass over a BTF's type
 * records ({@link Btf#idsByEssentialName}, which reads only names that can match), and each name's
 * answer is kept, so a later search for it costs a map lookup. {@link #prefetch} looks for all of an
 * object's names in one pass; {@link #find} looks for one that was not prefetched. One instance is meant
 * to live as long as its BTF and be shared by every object loaded against it. Thread-safe.
 */
public final class CoreCandidates {
    /** One candidate: type {@code id} of {@code btf}, which is called {@code source} (vmlinux, a module). */
    public record Candidate(Btf btf, String source, int id) {}

    /** A BTF searched for candidates and its name. */
    public record Source(String name, Btf btf) {}

    private final Source main;
    private final Supplier<List<Source>> modules;
    /** Per BTF: the ids found for each essential name looked for so far. */
    private final Map<Btf, Map<String, int[]>> found = new HashMap<>();
    private List<Source> loadedModules;

    /**
     * Candidates from {@code main} and, when it has none for a type, from {@code modules} (loaded on
     * first need; split BTFs over {@code main}, searched from their first own type id).
     */
    public CoreCandidates(Source main, Supplier<List<Source>> modules) {
        this.main = main;
        this.modules = modules;
    }

    /** Candidates from {@code btf} alone (a BTF given in the kernel's place: no module search). */
    public static CoreCandidates of(String name, Btf btf) {
        return new CoreCandidates(new Source(name, btf), List::of);
    }

    public Source main() {
        return main;
    }

    /**
     * Looks for the candidates of every local type in {@code localIds} (named types of {@code local}) in
     * one pass over the main BTF, so that {@link #find} answers them without a pass each.
     */
    public void prefetch(Btf local, java.util.Collection<Integer> localIds) {
        Set<String> names = new LinkedHashSet<>();
        for (int id : localIds) {
            String name;
            try {
                name = local.name(id);
            } catch (BtfException e) {
                continue; // a broken name: the relocation that uses it reports it
            }
            if (!name.isEmpty()) {
                names.add(CoreNames.essential(name));
            }
        }
        ids(main.btf(), names);
    }

    /**
     * The candidates for local type {@code localId} of {@code local}, in type id order: main's, or if
     * it has none, every module's. The local type must be named.
     */
    public List<Candidate> find(Btf local, int localId) {
        String name = local.name(localId);
        BtfKind kind = local.kind(localId);
        String essential = CoreNames.essential(name);
        List<Candidate> out = new ArrayList<>();
        add(main, kind, essential, out);
        if (out.isEmpty()) {
            for (Source m : modules()) {
                add(m, kind, essential, out);
            }
        }
        return out;
    }

    private synchronized List<Source> modules() {
        if (loadedModules == null) {
            loadedModules = List.copyOf(modules.get());
        }
        return loadedModules;
    }

    private void add(Source s, BtfKind kind, String essential, List<Candidate> out) {
        for (int id : ids(s.btf(), Set.of(essential)).get(essential)) {
            if (CoreMatch.kindsCompatible(kind, s.btf().kind(id))) {
                out.add(new Candidate(s.btf(), s.name(), id));
            }
        }
    }

    /** The ids of {@code btf}'s own types named {@code names} (up to flavours), looking for unknown ones in one pass. */
    private synchronized Map<String, int[]> ids(Btf btf, Set<String> names) {
        Map<String, int[]> known = found.computeIfAbsent(btf, b -> new HashMap<>());
        List<String> missing = new ArrayList<>();
        for (String n : names) {
            if (!known.containsKey(n)) {
                missing.add(n);
            }
        }
        if (!missing.isEmpty()) {
            known.putAll(btf.idsByEssentialName(missing));
        }
        return known;
    }
}
