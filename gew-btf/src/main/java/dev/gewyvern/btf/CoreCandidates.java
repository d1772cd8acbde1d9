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
    private final Map<Btf, NameIndex> indexes = new HashMap<>();
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
        int[] ids = index(s.btf()).get(CoreNames.essentialHash(essential));
        if (ids == null) {
            return;
        }
        for (int id : ids) {
            if (CoreMatch.kindsCompatible(kind, s.btf().kind(id))
                    && CoreNames.essential(s.btf().name(id)).equals(essential)) {
                out.add(new Candidate(s.btf(), s.name(), id));
            }
        }
    }

    /**
     * Every named type of {@code btf}'s own, by the hash of its essential name (read in place, no
     * string decoded; a lookup checks the names of the few ids it finds). Built once per BTF.
     */
    private synchronized NameIndex index(Btf btf) {
        NameIndex idx = indexes.get(btf);
        if (idx == null) {
            idx = new NameIndex(btf);
            indexes.put(btf, idx);
        }
        return idx;
    }

    /**
     * Type ids by essential-name hash: an open-addressing table of hashes whose ids sit in one array,
     * chained by a second (no boxing: vmlinux has some 100k named types).
     */
    private static final class NameIndex {
        // ids are kept as id - first + 1, so that 0 means none
        private final int[] slots;     // hash table: the chain's first id, 0 when empty
        private final int[] hashes;    // the hash each id was filed under, by id - first
        private final int[] next;      // the chain's next id after each id, by id - first
        private final int first;

        NameIndex(Btf btf) {
            first = Math.max(1, btf.firstTypeId());
            int n = btf.typeCount() - first;
            slots = new int[Integer.highestOneBit(Math.max(4, n) * 2) * 2];
            hashes = new int[n];
            next = new int[n];
            int lastOffset = -1;
            int lastHash = 0;
            for (int id = btf.typeCount() - 1; id >= first; id--) {
                int off = btf.nameOffset(id);
                if (off == 0) {
                    continue;
                }
                int h = off == lastOffset ? lastHash : btf.essentialHash(off);
                lastOffset = off;
                lastHash = h;
                int slot = slot(h);
                hashes[id - first] = h;
                next[id - first] = slots[slot];
                slots[slot] = id - first + 1;
            }
        }

        private int slot(int h) {
            return (h ^ (h >>> 16)) & (slots.length - 1);
        }

        /** The ids filed under hash {@code h}, in id order. */
        int[] get(int h) {
            int[] out = new int[4];
            int count = 0;
            for (int e = slots[slot(h)]; e != 0; e = next[e - 1]) {
                int id = e - 1 + first;
                if (hashes[id - first] == h) {
                    if (count == out.length) {
                        out = java.util.Arrays.copyOf(out, count * 2);
                    }
                    out[count++] = id;
                }
            }
            return count == 0 ? null : java.util.Arrays.copyOf(out, count);
        }
    }
}
