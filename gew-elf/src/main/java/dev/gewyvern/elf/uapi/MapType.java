package dev.gewyvern.elf.uapi;

import java.util.Optional;

/**
 * A map type ({@code enum bpf_map_type}).
 *
 * <p>Generated from the running kernel's BTF ({@code enum bpf_map_type}, kernel 6.18); UapiEnumsKernelTest holds
 * every number against the kernel the tests run on. A kernel newer than this list can have values it lacks:
 * those are named through the kernel's BTF (KernelTypes), never guessed.
 */
public enum MapType implements KernelEnum {
    UNSPEC(0),
    HASH(1),
    ARRAY(2),
    PROG_ARRAY(3),
    PERF_EVENT_ARRAY(4),
    PERCPU_HASH(5),
    PERCPU_ARRAY(6),
    STACK_TRACE(7),
    CGROUP_ARRAY(8),
    LRU_HASH(9),
    LRU_PERCPU_HASH(10),
    LPM_TRIE(11),
    ARRAY_OF_MAPS(12),
    HASH_OF_MAPS(13),
    DEVMAP(14),
    SOCKMAP(15),
    CPUMAP(16),
    XSKMAP(17),
    SOCKHASH(18),
    CGROUP_STORAGE(19),
    REUSEPORT_SOCKARRAY(20),
    PERCPU_CGROUP_STORAGE(21),
    QUEUE(22),
    STACK(23),
    SK_STORAGE(24),
    DEVMAP_HASH(25),
    STRUCT_OPS(26),
    RINGBUF(27),
    INODE_STORAGE(28),
    TASK_STORAGE(29),
    BLOOM_FILTER(30),
    USER_RINGBUF(31),
    CGRP_STORAGE(32),
    ARENA(33);

    private final int value;

    MapType(int value) {
        this.value = value;
    }

    @Override
    public int value() {
        return value;
    }

    @Override
    public String enumName() {
        return "bpf_map_type";
    }

    @Override
    public String prefix() {
        return "BPF_MAP_TYPE_";
    }

    /** The map type with this number, or empty for one this list does not know (a newer kernel's). */
    public static Optional<MapType> of(long value) {
        return KernelEnum.of(MapType.class, value);
    }

    /** The map type named {@code BPF_MAP_TYPE_...} or by its text, in any case; empty when unknown. */
    public static Optional<MapType> named(String name) {
        return KernelEnum.named(MapType.class, name);
    }
}
