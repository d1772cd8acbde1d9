package dev.gewyvern.elf;

/**
 * A map an object defines: BTF-defined (section {@code .maps}) or legacy (section {@code maps},
 * {@code struct bpf_map_def}). Numbers are the kernel's u32 values (as Java ints; read unsigned).
 *
 * @param btfKeyTypeId   the BTF type of the key (the pointee of {@code __type(key, T)}), 0 when none
 * @param btfValueTypeId the BTF type of the value, 0 when none
 * @param pinning        0 none, 1 by name (libbpf's {@code LIBBPF_PIN_BY_NAME})
 */
public record BpfMap(String name, int type, int keySize, int valueSize, int maxEntries, int flags,
                     int btfKeyTypeId, int btfValueTypeId, int numaNode, long mapExtra, int pinning) {
    public static final int PIN_NONE = 0;
    public static final int PIN_BY_NAME = 1;
}
