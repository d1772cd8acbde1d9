package dev.gewyvern.elf;

/** What a loader found for a {@code .ksyms} extern in the running kernel; {@link BpfProgram#encode} writes it. */
public sealed interface KsymValue {
    /** A kernel BTF id: a VAR's for a typed variable (ld_imm64 BPF_PSEUDO_BTF_ID), a FUNC's for a kfunc call. */
    record BtfId(int id) implements KsymValue {}

    /** The address of a typeless symbol ({@code extern const void x __ksym}), from the kernel's symbol table. */
    record Address(long address) implements KsymValue {}

    /** A weak extern the kernel lacks: its address reads as 0. */
    record Absent() implements KsymValue {}

    /** Resolves a .ksyms extern of the object by name. */
    interface Resolver {
        KsymValue resolve(Extern extern);
    }
}
