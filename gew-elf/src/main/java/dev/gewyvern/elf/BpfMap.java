package dev.gewyvern.elf;

import java.util.List;

/**
 * A map an object defines: BTF-defined (section {@code .maps}) or legacy (section {@code maps},
 * {@code struct bpf_map_def}). Numbers are the kernel's u32 values (as Java ints; read unsigned).
 *
 * @param btfKeyTypeId   the BTF type of the key (the pointee of {@code __type(key, T)}), 0 when none
 * @param btfValueTypeId the BTF type of the value, 0 when none
 * @param pinning        0 none, 1 by name (libbpf's {@code LIBBPF_PIN_BY_NAME})
 * @param inner          for a map of maps ({@code __array(values, struct inner_def)}): the inner map's
 *                       definition, whose map the loader creates as BPF_MAP_CREATE's inner_map_fd; else null
 * @param initialValues  the {@code values = { [i] = &x }} initialisation: maps of the object (map of
 *                       maps) or programs of the object (program array), by slot
 */
public record BpfMap(String name, int type, int keySize, int valueSize, int maxEntries, int flags,
                     int btfKeyTypeId, int btfValueTypeId, int numaNode, long mapExtra, int pinning,
                     BpfMap inner, List<Slot> initialValues) {
    public static final int PIN_NONE = 0;
    public static final int PIN_BY_NAME = 1;

    public BpfMap {
        initialValues = List.copyOf(initialValues);
    }

    /** A map without inner map or initial values. */
    public BpfMap(String name, int type, int keySize, int valueSize, int maxEntries, int flags, int btfKeyTypeId,
                  int btfValueTypeId, int numaNode, long mapExtra, int pinning) {
        this(name, type, keySize, valueSize, maxEntries, flags, btfKeyTypeId, btfValueTypeId, numaNode, mapExtra,
                pinning, null, List.of());
    }

    /** One initialised slot: key {@code index} holds map or program {@code target} of the object. */
    public record Slot(int index, String target, Kind kind) {
        public enum Kind { MAP, PROGRAM }
    }

    /** This map with other sizes (from a Pipeline), everything else kept. */
    public BpfMap withSizes(int keySize, int valueSize, int maxEntries) {
        return new BpfMap(name, type, keySize, valueSize, maxEntries, flags, btfKeyTypeId, btfValueTypeId, numaNode,
                mapExtra, pinning, inner, initialValues);
    }
}
