package dev.gewyvern.syscall.maps;

/**
 * What user space can do with a map of each type (bpf_map_type numbers, held against the kernel's enum by
 * MapKindsKernelTest): which hold one value per CPU, which BPF_MAP_LOOKUP_BATCH walks, which hold file
 * descriptors that user space reads back as ids (or cannot read at all), which have no keys.
 */
final class MapKinds {
    static final int HASH = 1;
    static final int ARRAY = 2;
    static final int PROG_ARRAY = 3;
    static final int PERF_EVENT_ARRAY = 4;
    static final int PERCPU_HASH = 5;
    static final int PERCPU_ARRAY = 6;
    static final int CGROUP_ARRAY = 8;
    static final int LRU_HASH = 9;
    static final int LRU_PERCPU_HASH = 10;
    static final int ARRAY_OF_MAPS = 12;
    static final int HASH_OF_MAPS = 13;
    static final int PERCPU_CGROUP_STORAGE = 21;
    static final int QUEUE = 22;
    static final int STACK = 23;
    static final int STRUCT_OPS = 26;
    static final int RINGBUF = 27;
    static final int BLOOM_FILTER = 30;
    static final int USER_RINGBUF = 31;

    private MapKinds() {
    }

    static boolean perCpu(int type) {
        return type == PERCPU_HASH || type == PERCPU_ARRAY || type == LRU_PERCPU_HASH || type == PERCPU_CGROUP_STORAGE;
    }

    /** The types whose kernel code implements BPF_MAP_LOOKUP_BATCH. */
    static boolean batched(int type) {
        return switch (type) {
            case HASH, ARRAY, PERCPU_HASH, PERCPU_ARRAY, LRU_HASH, LRU_PERCPU_HASH -> true;
            default -> false;
        };
    }

    /** Hash maps walk batches bucket by bucket: their batch token is a 4-byte bucket index. */
    static boolean hashed(int type) {
        return type == HASH || type == PERCPU_HASH || type == LRU_HASH || type == LRU_PERCPU_HASH;
    }

    /** Arrays: every index from 0 to max_entries - 1 exists, and none can be deleted. */
    static boolean array(int type) {
        return type == ARRAY || type == PERCPU_ARRAY;
    }

    /** Maps of programs and maps: user space writes fds and reads back ids. */
    static boolean idValued(int type) {
        return type == PROG_ARRAY || type == ARRAY_OF_MAPS || type == HASH_OF_MAPS;
    }

    /** Why user space cannot write entries of this type as plain bytes, or null when it can. */
    static String unwritable(int type) {
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
