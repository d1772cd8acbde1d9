package dev.gewyvern.btf;

import java.util.Optional;

/**
 * The kinds of CO-RE relocation, {@code enum bpf_core_relo_kind} of the kernel's uapi
 * {@code linux/bpf.h}, with their numbers on the wire (held against the running kernel's BTF by a
 * test) and the short names libbpf's messages use.
 */
public enum CoreReloKind {
    FIELD_BYTE_OFFSET(0, "byte_off"),
    FIELD_BYTE_SIZE(1, "byte_sz"),
    FIELD_EXISTS(2, "field_exists"),
    FIELD_SIGNED(3, "signed"),
    FIELD_LSHIFT_U64(4, "lshift_u64"),
    FIELD_RSHIFT_U64(5, "rshift_u64"),
    TYPE_ID_LOCAL(6, "local_type_id"),
    TYPE_ID_TARGET(7, "target_type_id"),
    TYPE_EXISTS(8, "type_exists"),
    TYPE_SIZE(9, "type_size"),
    ENUMVAL_EXISTS(10, "enumval_exists"),
    ENUMVAL_VALUE(11, "enumval_value"),
    TYPE_MATCHES(12, "type_matches");

    private static final CoreReloKind[] BY_NUMBER = values();

    private final int number;
    private final String label;

    CoreReloKind(int number, String label) {
        this.number = number;
        this.label = label;
    }

    public int number() {
        return number;
    }

    /** libbpf's short name, e.g. {@code byte_off}. */
    public String label() {
        return label;
    }

    /** The uapi constant's name, e.g. {@code BPF_CORE_FIELD_BYTE_OFFSET}. */
    public String constant() {
        return "BPF_CORE_" + name();
    }

    public static Optional<CoreReloKind> of(int number) {
        return number >= 0 && number < BY_NUMBER.length ? Optional.of(BY_NUMBER[number]) : Optional.empty();
    }

    /** A relocation of a field's offset, size, existence, signedness or bitfield shifts. */
    public boolean fieldBased() {
        return number <= FIELD_RSHIFT_U64.number;
    }

    /** A relocation of a whole type: its id, existence, size or match. */
    public boolean typeBased() {
        return this == TYPE_ID_LOCAL || this == TYPE_ID_TARGET || this == TYPE_EXISTS || this == TYPE_SIZE
                || this == TYPE_MATCHES;
    }

    /** A relocation of an enumerator's existence or value. */
    public boolean enumvalBased() {
        return this == ENUMVAL_EXISTS || this == ENUMVAL_VALUE;
    }
}
