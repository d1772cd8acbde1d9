package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

import dev.gewyvern.elf.uapi.MapType;

/** BPF_MAP_CREATE. */
public record MapCreateAttr(int mapType, int keySize, int valueSize, int maxEntries, int mapFlags,
                            int innerMapFd, int numaNode, String name, int btfFd, int btfKeyTypeId,
                            int btfValueTypeId, long mapExtra, int btfVmlinuxValueTypeId) implements BpfAttr {
    static final AttrField MAP_TYPE = f("map_type", 0, 4);
    static final AttrField KEY_SIZE = f("key_size", 4, 4);
    static final AttrField VALUE_SIZE = f("value_size", 8, 4);
    static final AttrField MAX_ENTRIES = f("max_entries", 12, 4);
    static final AttrField MAP_FLAGS = f("map_flags", 16, 4);
    static final AttrField INNER_MAP_FD = f("inner_map_fd", 20, 4);
    static final AttrField NUMA_NODE = f("numa_node", 24, 4);
    static final AttrField MAP_NAME = f("map_name", 28, 16);
    static final AttrField MAP_IFINDEX = f("map_ifindex", 44, 4);
    static final AttrField BTF_FD = f("btf_fd", 48, 4);
    static final AttrField BTF_KEY_TYPE_ID = f("btf_key_type_id", 52, 4);
    static final AttrField BTF_VALUE_TYPE_ID = f("btf_value_type_id", 56, 4);
    static final AttrField BTF_VMLINUX_VALUE_TYPE_ID = f("btf_vmlinux_value_type_id", 60, 4);
    static final AttrField MAP_EXTRA = f("map_extra", 64, 8);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", null, List.of(MAP_TYPE, KEY_SIZE, VALUE_SIZE,
            MAX_ENTRIES, MAP_FLAGS, INNER_MAP_FD, NUMA_NODE, MAP_NAME, MAP_IFINDEX, BTF_FD, BTF_KEY_TYPE_ID,
            BTF_VALUE_TYPE_ID, BTF_VMLINUX_VALUE_TYPE_ID, MAP_EXTRA));

    /**
     * A map of {@code mapType} (the object's own number: a type newer than {@link MapType} passes through)
     * with no flags, name, BTF or inner map; the {@code with...} methods add them.
     */
    public static MapCreateAttr of(int mapType, int keySize, int valueSize, int maxEntries) {
        return new MapCreateAttr(mapType, keySize, valueSize, maxEntries, 0, 0, 0, null, 0, 0, 0, 0, 0);
    }

    public static MapCreateAttr of(MapType type, int keySize, int valueSize, int maxEntries) {
        return of(type.value(), keySize, valueSize, maxEntries);
    }

    /** BPF_F_* map_flags. */
    public MapCreateAttr withFlags(int flags) {
        return new MapCreateAttr(mapType, keySize, valueSize, maxEntries, flags, innerMapFd, numaNode, name, btfFd,
                btfKeyTypeId, btfValueTypeId, mapExtra, btfVmlinuxValueTypeId);
    }

    /** The name the kernel shows (at most 15 characters are sent). */
    public MapCreateAttr withName(String mapName) {
        return new MapCreateAttr(mapType, keySize, valueSize, maxEntries, mapFlags, innerMapFd, numaNode, mapName,
                btfFd, btfKeyTypeId, btfValueTypeId, mapExtra, btfVmlinuxValueTypeId);
    }

    /** For maps of maps: a map like the ones it will hold. */
    public MapCreateAttr withInnerMap(int fd) {
        return new MapCreateAttr(mapType, keySize, valueSize, maxEntries, mapFlags, fd, numaNode, name, btfFd,
                btfKeyTypeId, btfValueTypeId, mapExtra, btfVmlinuxValueTypeId);
    }

    public MapCreateAttr withNumaNode(int node) {
        return new MapCreateAttr(mapType, keySize, valueSize, maxEntries, mapFlags, innerMapFd, node, name, btfFd,
                btfKeyTypeId, btfValueTypeId, mapExtra, btfVmlinuxValueTypeId);
    }

    /** The key and value types, by their ids in the loaded BTF object {@code fd}. */
    public MapCreateAttr withBtf(int fd, int keyTypeId, int valueTypeId) {
        return new MapCreateAttr(mapType, keySize, valueSize, maxEntries, mapFlags, innerMapFd, numaNode, name, fd,
                keyTypeId, valueTypeId, mapExtra, btfVmlinuxValueTypeId);
    }

    /** For struct_ops maps: the kernel's bpf_struct_ops_* value type, by its id in vmlinux BTF. */
    public MapCreateAttr withVmlinuxValueType(int typeId) {
        return new MapCreateAttr(mapType, keySize, valueSize, maxEntries, mapFlags, innerMapFd, numaNode, name, btfFd,
                btfKeyTypeId, btfValueTypeId, mapExtra, typeId);
    }

    /** map_extra (a bloom filter's hash count, an arena's address). */
    public MapCreateAttr withExtra(long extra) {
        return new MapCreateAttr(mapType, keySize, valueSize, maxEntries, mapFlags, innerMapFd, numaNode, name, btfFd,
                btfKeyTypeId, btfValueTypeId, extra, btfVmlinuxValueTypeId);
    }

    public BpfCommand command() {
        return BpfCommand.BPF_MAP_CREATE;
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    public void encode(AttrBuffer out) {
        out.u32(MAP_TYPE, mapType).u32(KEY_SIZE, keySize).u32(VALUE_SIZE, valueSize).u32(MAX_ENTRIES, maxEntries)
                .u32(MAP_FLAGS, mapFlags).u32(INNER_MAP_FD, innerMapFd).u32(NUMA_NODE, numaNode)
                .chars(MAP_NAME, name).u32(BTF_FD, btfFd).u32(BTF_KEY_TYPE_ID, btfKeyTypeId)
                .u32(BTF_VALUE_TYPE_ID, btfValueTypeId).u64(MAP_EXTRA, mapExtra)
                .u32(BTF_VMLINUX_VALUE_TYPE_ID, btfVmlinuxValueTypeId);
    }
}
