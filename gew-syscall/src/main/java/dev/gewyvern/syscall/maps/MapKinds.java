package dev.gewyvern.syscall.maps;

import static dev.gewyvern.elf.uapi.MapType.ARRAY;
import static dev.gewyvern.elf.uapi.MapType.ARRAY_OF_MAPS;
import static dev.gewyvern.elf.uapi.MapType.CGROUP_ARRAY;
import static dev.gewyvern.elf.uapi.MapType.HASH;
import static dev.gewyvern.elf.uapi.MapType.HASH_OF_MAPS;
import static dev.gewyvern.elf.uapi.MapType.LRU_HASH;
import static dev.gewyvern.elf.uapi.MapType.LRU_PERCPU_HASH;
import static dev.gewyvern.elf.uapi.MapType.PERCPU_ARRAY;
import static dev.gewyvern.elf.uapi.MapType.PERCPU_CGROUP_STORAGE;
import static dev.gewyvern.elf.uapi.MapType.PERCPU_HASH;
import static dev.gewyvern.elf.uapi.MapType.PERF_EVENT_ARRAY;
import static dev.gewyvern.elf.uapi.MapType.PROG_ARRAY;
import static dev.gewyvern.elf.uapi.MapType.RINGBUF;
import static dev.gewyvern.elf.uapi.MapType.STRUCT_OPS;
import static dev.gewyvern.elf.uapi.MapType.USER_RINGBUF;

import dev.gewyvern.elf.uapi.MapType;

/**
 * What user space can do with a map of each type ({@link MapType}, whose numbers UapiEnumsKernelTest holds
 * against the kernel's enum bpf_map_type): which hold one value per CPU, which BPF_MAP_LOOKUP_BATCH walks,
 * which hold file descriptors that user space reads back as ids (or cannot read at all), which have no keys.
 * A type newer than MapType knows ({@link MapType#UNSPEC} from MapInfo.mapType()) has none of these rules.
 */
public final class MapKinds {
    private MapKinds() {
    }

    public static boolean perCpu(MapType type) {
        return type == PERCPU_HASH || type == PERCPU_ARRAY || type == LRU_PERCPU_HASH || type == PERCPU_CGROUP_STORAGE;
    }

    /** The types whose kernel code implements BPF_MAP_LOOKUP_BATCH. */
    public static boolean batched(MapType type) {
        return switch (type) {
            case HASH, ARRAY, PERCPU_HASH, PERCPU_ARRAY, LRU_HASH, LRU_PERCPU_HASH -> true;
            default -> false;
        };
    }

    /** Hash maps walk batches bucket by bucket: their batch token is a 4-byte bucket index. */
    public static boolean hashed(MapType type) {
        return type == HASH || type == PERCPU_HASH || type == LRU_HASH || type == LRU_PERCPU_HASH;
    }

    /** Arrays: every index from 0 to max_entries - 1 exists, and none can be deleted. */
    public static boolean array(MapType type) {
        return type == ARRAY || type == PERCPU_ARRAY;
    }

    /** What the ids a map of programs or maps reads back are: "prog", "map", or null for other types. */
    public static String idKind(MapType type) {
        return type == PROG_ARRAY ? "prog" : type == ARRAY_OF_MAPS || type == HASH_OF_MAPS ? "map" : null;
    }

    /** Maps of programs and maps: user space writes fds and reads back ids. */
    public static boolean idValued(MapType type) {
        return type == PROG_ARRAY || type == ARRAY_OF_MAPS || type == HASH_OF_MAPS;
    }

    /** Why user space cannot write entries of this type as plain bytes, or null when it can. */
    public static String unwritable(MapType type) {
        return switch (type) {
            case PROG_ARRAY, ARRAY_OF_MAPS, HASH_OF_MAPS -> "its values are programs or maps, which only a session's "
                    + "objects (by file descriptor) can fill";
            case PERF_EVENT_ARRAY -> "its slots hold perf events, which a perf buffer reader (`--events`) sets";
            case CGROUP_ARRAY -> "its slots hold cgroup file descriptors";
            case RINGBUF -> "a ring buffer has no entries: its records are read with `--events`";
            case USER_RINGBUF -> "a user ring buffer has no entries: records are written into it in order, not by key";
            case STRUCT_OPS -> "a struct_ops map's value is registered when the session is applied";
            default -> null;
        };
    }
}
