package dev.gewyvern.btf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where CO-RE looks for the types a relocation may mean: a main BTF (vmlinux, or a BTF given in its
 * place) and, only when the main one has no candidate, kernel module BTFs, as libbpf searches them.
 * A candidate is a type of a compatible kind whose name is the local name up to the flavour
 * ({@code ___suffix}).
 *
 * <p>Each BTF is indexed once, on first use, by essential name; after that a search costs a map
 * lookup, never a scan of vmlinux's types. One instance is meant to live as long as its BTF and be
 * shared by every object loaded against it. Thread-safe.
 */
public final class CoreCandidates {
    /** One candidate: type {@code id} of {@code btf}, which is called {@code source} (vmlinux, a module). */
    public record Candidate(Btf btf, String source, int id) {}

    /** A BTF searched for candidates and its name. */
    public record Source(String name, Btf btf) {}

    private final Source main;
    private final Supplier<List<Source>> modules;
    private final Map<Btf, Map<String, int[]>> indexes = new HashMap<>();
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
        int[] ids = index(s.btf()).get(essential);
        if (ids == null) {
            return;
        }
        for (int id : ids) {
            if (CoreMatch.kindsCompatible(kind, s.btf().kind(id))) {
                out.add(new Candidate(s.btf(), s.name(), id));
            }
        }
    }

    /** Every named type of {@code btf}'s own, by essential name. Built once per BTF. */
    private synchronized Map<String, int[]> index(Btf btf) {
        Map<String, int[]> idx = indexes.get(btf);
        if (idx != null) {
            return idx;
        }
        Map<String, int[]> build = new HashMap<>(btf.typeCount() / 2);
        BtfCursor c = btf.cursor();
        for (int id = Math.max(1, btf.firstTypeId()); id < btf.typeCount(); id++) {
            c.at(id);
            if (c.nameOffset() == 0) {
                continue;
            }
            String name = c.name();
            if (name.isEmpty()) {
                continue;
            }
            build.merge(CoreNames.essential(name), new int[] {id}, CoreCandidates::append);
        }
        indexes.put(btf, build);
        return build;
    }

    private static int[] append(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
