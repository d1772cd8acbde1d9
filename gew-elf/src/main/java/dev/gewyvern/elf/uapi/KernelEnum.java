package dev.gewyvern.elf.uapi;

import java.util.Locale;
import java.util.Optional;

/**
 * A constant of one of the kernel's uapi enums: its number, its C name and the lower-case text gewyvern
 * and bpftool print. The enums implementing it are generated from a kernel's BTF and held against the
 * running kernel's by a test; a value a newer kernel adds is named through that kernel's BTF instead.
 */
public interface KernelEnum {
    /** The number the kernel uses. */
    int value();

    /** The C enum's name in the kernel's BTF, e.g. {@code bpf_prog_type}. */
    String enumName();

    /** The prefix every constant of the C enum shares, e.g. {@code BPF_PROG_TYPE_}. */
    String prefix();

    /** The Java constant's name: the C name without {@link #prefix()}. */
    String name();

    /** The uapi constant, e.g. {@code BPF_PROG_TYPE_XDP}. */
    default String constant() {
        return prefix() + name();
    }

    /** The lower-case name without its prefix, as bpftool and gewyvern print it, e.g. {@code xdp}. */
    default String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The constant of {@code type} with this number, or empty for one it does not know (a newer kernel's). */
    static <E extends Enum<E> & KernelEnum> Optional<E> of(Class<E> type, long value) {
        for (E e : type.getEnumConstants()) {
            if (e.value() == value) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The constant of {@code type} named by its C name or its text, in any case; empty when unknown. */
    static <E extends Enum<E> & KernelEnum> Optional<E> named(Class<E> type, String name) {
        String n = name.toUpperCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(n) || e.constant().equals(n)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
