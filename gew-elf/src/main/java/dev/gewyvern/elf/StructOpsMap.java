package dev.gewyvern.elf;

import java.util.List;
import java.util.Optional;

/**
 * A struct_ops map an object declares: a global variable of section {@code .struct_ops} or
 * {@code .struct_ops.link} whose type is a kernel struct (e.g. {@code struct tcp_congestion_ops}), as the
 * object's own BTF describes it. Its function-pointer members name programs of the object
 * ({@code SEC("struct_ops/...")}); its other members hold data (e.g. {@code name}).
 *
 * @param name       the variable's name: the map's name
 * @param section    {@code .struct_ops} or {@code .struct_ops.link}
 * @param typeName   the struct's name, which the kernel's BTF must also have
 * @param btfTypeId  the struct's id in the object's BTF
 * @param data       the variable's initial bytes, in the object's layout
 * @param members    every member of the object's struct, in order
 */
public record StructOpsMap(String name, String section, String typeName, int btfTypeId, byte[] data,
                           List<Member> members) {
    public static final String SECTION = ".struct_ops";
    public static final String LINK_SECTION = ".struct_ops.link";

    public StructOpsMap {
        data = data.clone();
        members = List.copyOf(members);
    }

    /**
     * One member of the object's struct: its name, byte offset and size in the object's layout, and for
     * a function pointer the program it points to (empty when it is left null).
     */
    public record Member(String name, int offset, int size, boolean functionPointer, Optional<String> program) {}

    /** Whether the object asked for registration through a bpf_link ({@code .struct_ops.link}). */
    public boolean link() {
        return section.equals(LINK_SECTION);
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The programs this map's members point to, in member order. */
    public List<String> programs() {
        return members.stream().flatMap(m -> m.program().stream()).toList();
    }
}
