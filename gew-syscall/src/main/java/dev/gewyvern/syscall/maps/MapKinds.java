package dev.gewyvern.syscall.maps;

/**
 * What user space can do with a map of each type (bpf_map_type numbers, held against the kernel's enum by
 * MapKindsKernelTest): which hold one value per CPU, which BPF_MAP_LOOKUP_BATCH walks, which hold file
 * descriptors that user space reads back as ids (or cannot read at all), which have no keys. (Numbers
 * until the typed MapType enum covers them.)
 */
public final class MapKinds {
    public static final int HASH = 1;
    public static final int ARRAY = 2;
    public static final int PROG_ARRAY = 3;
    public static final int PERF_EVENT_ARRAY = 4;
    public static final int PERCPU_HASH = 5;
    public static final int PERCPU_ARRAY = 6;
    public static final int CGROUP_ARRAY = 8;
    public static final int LRU_HASH = 9;
    public static final int LRU_PERCPU_HASH = 10;
    public static final int ARRAY_OF_MAPS = 12;
    public static final int HASH_OF_MAPS = 13;
    public static final int PERCPU_CGROUP_STORAGE = 21;
    public static final int QUEUE = 22;
    public static final int STACK = 23;
    public static final int STRUCT_OPS = 26;
    public static final int RINGBUF = 27;
    public static final int BLOOM_FILTER = 30;
    public static final int USER_RINGBUF = 31;

    private MapKinds() {
    }

    public static boolean perCpu(int type) {
        return type == PERCPU_HASH || type == PERCPU_ARRAY || type == LRU_PERCPU_HASH || type == PERCPU_CGROUP_STORAGE;
    }

    /** The types whose kernel code implements BPF_MAP_LOOKUP_BATCH. */
    public static boolean batched(int type) {
        return switch (type) {
            case HASH, ARRAY, PERCPU_HASH, PERCPU_ARRAY, LRU_HASH, LRU_PERCPU_HASH -> true;
            default -> false;
        };
    }

    /** Hash maps walk batches bucket by bucket: their batch token is a 4-byte bucket index. */
    public static boolean hashed(int type) {
        return type == HASH || type == PERCPU_HASH || type == LRU_HASH || type == LRU_PERCPU_HASH;
    }

    /** Arrays: every index from 0 to max_entries - 1 exists, and none can be deleted. */
    public static boolean array(int type) {
        return type == ARRAY || type == PERCPU_ARRAY;
    }

    /** What the ids a map of programs or maps reads back are: "prog", "map", or null for other types. */
    public static String idKind(int type) {
        return type == PROG_ARRAY ? "prog" : type == ARRAY_OF_MAPS || type == HASH_OF_MAPS ? "map" : null;
    }

    /** Maps of programs and maps: user space writes fds and reads back ids. */
    public static boolean idValued(int type) {
        return type == PROG_ARRAY || type == ARRAY_OF_MAPS || type == HASH_OF_MAPS;
    }

    /** Why user space cannot write entries of this type as plain bytes, or null when it can. */
    public static String unwritable(int type) {
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
