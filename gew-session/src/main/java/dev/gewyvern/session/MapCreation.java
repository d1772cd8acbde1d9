package dev.gewyvern.session;

import java.util.Set;

import dev.gewyvern.elf.BpfMap;
import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.attr.MapCreateAttr;

/**
 * BPF_MAP_CREATE of an object's map as libbpf makes it ({@code bpf_object__create_map}): the map's BTF
 * key and value types go along, except for the map types whose key and value the kernel does not type
 * with BTF (their {@code map_check_btf} is {@code map_check_no_btf}, which refuses any BTF with
 * ENOTSUPP), and a creation the kernel refuses while BTF types are given is made again without them.
 */
final class MapCreation {
    /**
     * The map types libbpf creates without BTF key/value types: the kernel's map_check_no_btf types, plus
     * queue, stack and arena, whose key is empty (MapCreationKernelTest holds each against the kernel).
     */
    static final Set<MapType> BTF_LESS = Set.of(MapType.PERF_EVENT_ARRAY, MapType.STACK_TRACE, MapType.CGROUP_ARRAY,
            MapType.ARRAY_OF_MAPS, MapType.HASH_OF_MAPS, MapType.DEVMAP, MapType.SOCKMAP, MapType.CPUMAP, MapType.XSKMAP,
            MapType.SOCKHASH, MapType.QUEUE, MapType.STACK, MapType.DEVMAP_HASH, MapType.ARENA);

    /** A map in the kernel, and whether the kernel took it only without the BTF types the object gives it. */
    record Created(Fd fd, boolean btfDropped, String why) {}

    private MapCreation() {
    }

    /** Whether libbpf gives the kernel this map's BTF key/value types (given an object with BTF). */
    static boolean typed(BpfMap m) {
        return MapType.of(m.type()).map(t -> !BTF_LESS.contains(t)).orElse(true)
                && (m.btfKeyTypeId() != 0 || m.btfValueTypeId() != 0);
    }

    /** The attr of {@code m}, with its BTF types when {@code btf} is not null and the map type takes them. */
    static MapCreateAttr attr(BpfMap m, String name, Fd btf, int innerFd) {
        boolean typed = btf != null && typed(m);
        return MapCreateAttr.of(m.type(), m.keySize(), m.valueSize(), m.maxEntries()).withFlags(m.flags())
                .withInnerMap(innerFd).withNumaNode(m.numaNode()).withName(name)
                .withBtf(typed ? btf.value() : 0, typed ? m.btfKeyTypeId() : 0, typed ? m.btfValueTypeId() : 0)
                .withExtra(m.mapExtra());
    }

    /**
     * Creates the map; when the kernel refuses it with BTF types, creates it again without them (as
     * libbpf does) and says why in {@link Created#why()}. A refusal without BTF, or of the retry, is
     * the kernel's error as it is.
     */
    static Created create(BpfMap m, String name, Fd btf, int innerFd) {
        MapCreateAttr attr = attr(m, name, btf, innerFd);
        try {
            return new Created(Bpf.createMap(attr), false, null);
        } catch (BpfException first) {
            if (attr.btfKeyTypeId() == 0 && attr.btfValueTypeId() == 0) {
                throw first;
            }
            Fd fd = Bpf.createMap(attr.withBtf(0, 0, 0));
            return new Created(fd, true, "the kernel refused its BTF key/value types (" + Errno.name(first.errno())
                    + ": " + Errno.describe(first.errno()) + "), so it was created without them, as libbpf does");
        }
    }
}
