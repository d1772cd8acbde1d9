package dev.gewyvern.btf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The candidate search without a name index: the one-pass scan finds exactly the types a naive
 * comparison of every essential name finds, for names that share prefixes, carry flavours (one or
 * several {@code ___} separators), are one byte long, or live in the base of a split BTF.
 */
class CoreCandidatesTest {
    private static final List<String> STEMS = List.of("a", "ab", "a_b", "task", "task_struct", "t", "b", "tas", "_x");
    private static final List<String> FLAVOURS = List.of("", "", "___v2", "___x___y", "____z", "___", "_", "__q");

    @Provide
    Arbitrary<List<String>> names() {
        Arbitrary<String> name = Arbitraries.of(STEMS).flatMap(s -> Arbitraries.of(FLAVOURS).map(f -> s + f));
        return name.list().ofMinSize(1).ofMaxSize(40);
    }

    private static List<BtfType> structs(List<String> names) {
        List<BtfType> types = new ArrayList<>();
        for (String n : names) {
            types.add(new BtfType.Struct(n, 0, false, false, List.of()));
        }
        return types;
    }

    private static Map<String, Set<Integer>> naive(Btf btf, Set<String> wanted) {
        Map<String, Set<Integer>> out = new java.util.HashMap<>();
        for (String w : wanted) {
            out.put(w, new TreeSet<>());
        }
        for (int id = btf.firstTypeId(); id < btf.typeCount(); id++) {
            String e = CoreNames.essential(btf.name(id));
            if (out.containsKey(e)) {
                out.get(e).add(id);
            }
        }
        return out;
    }

    @Property(tries = 300)
    void theScanFindsWhatComparingEveryNameFinds(@ForAll("names") List<String> names,
                                                  @ForAll("names") List<String> queries) {
        Btf btf = Btf.parse(BtfWriter.write(structs(names), ByteOrder.LITTLE_ENDIAN));
        Set<String> wanted = new TreeSet<>();
        for (String q : queries) {
            wanted.add(CoreNames.essential(q));
        }
        Map<String, int[]> found = btf.idsByEssentialName(wanted);
        assertEquals(wanted, found.keySet());
        for (Map.Entry<String, Set<Integer>> e : naive(btf, wanted).entrySet()) {
            assertArrayEquals(e.getValue().stream().mapToInt(Integer::intValue).toArray(), found.get(e.getKey()),
                    e.getKey() + " in " + names);
        }
    }

    @Property(tries = 100)
    void aSplitBtfFindsItsOwnTypesWhoseNamesMayBeInTheBase(@ForAll("names") List<String> baseNames,
                                                            @ForAll("names") List<String> ownNames) {
        Btf base = Btf.parse(BtfWriter.write(structs(baseNames), ByteOrder.LITTLE_ENDIAN));
        ByteBuffer bytes = ByteBuffer.wrap(BtfWriter.write(structs(ownNames), ByteOrder.LITTLE_ENDIAN, base))
                .order(ByteOrder.LITTLE_ENDIAN);
        // the split BTF's first type takes its name from the base's string section, as module BTF may
        bytes.putInt(Btf.HEADER_LEN + bytes.getInt(8), base.nameOffset(1));
        Btf split = Btf.parse(bytes, base);
        assertEquals(baseNames.get(0), split.name(base.typeCount()));
        Set<String> wanted = new TreeSet<>();
        for (String n : baseNames) {
            wanted.add(CoreNames.essential(n));
        }
        for (String n : ownNames) {
            wanted.add(CoreNames.essential(n));
        }
        Map<String, int[]> found = split.idsByEssentialName(wanted);
        for (Map.Entry<String, Set<Integer>> e : naive(split, wanted).entrySet()) {
            assertArrayEquals(e.getValue().stream().mapToInt(Integer::intValue).toArray(), found.get(e.getKey()),
                    e.getKey());
        }
    }

    @Property(tries = 100)
    void findAnswersTheSameWithOrWithoutPrefetch(@ForAll("names") List<String> names,
                                                  @ForAll("names") List<String> locals) {
        Btf target = Btf.parse(BtfWriter.write(structs(names), ByteOrder.LITTLE_ENDIAN));
        Btf local = Btf.parse(BtfWriter.write(structs(locals), ByteOrder.LITTLE_ENDIAN));
        CoreCandidates cold = CoreCandidates.of("target", target);
        CoreCandidates warm = CoreCandidates.of("target", target);
        List<Integer> ids = new ArrayList<>();
        for (int id = 1; id < local.typeCount(); id++) {
            ids.add(id);
        }
        warm.prefetch(local, ids);
        for (int id : ids) {
            assertEquals(cold.find(local, id), warm.find(local, id), local.name(id));
        }
    }
}
