package dev.gewyvern.elf;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The value of the .kconfig map, as libbpf fills it: each {@code __kconfig} extern at its offset,
 * from the kernel's configuration ({@code CONFIG_*}: y, n, m, numbers, "strings") and libbpf's virtual
 * externs ({@code LINUX_*}, whose values the loader computes). A weak extern the configuration lacks,
 * or a weak {@code LINUX_*} name libbpf does not know, stays 0; a strong one is an error that names it.
 */
final class Kconfig {
    /** libbpf's virtual externs, the values a loader computes rather than reads from the configuration. */
    static final java.util.List<String> VIRTUAL = java.util.List.of("LINUX_KERNEL_VERSION", "LINUX_HAS_BPF_COOKIE",
            "LINUX_HAS_SYSCALL_WRAPPER");

    private Kconfig() {
    }

    static byte[] value(List<Extern> externs, Btf btf, ByteOrder order, Map<String, String> config,
                        Map<String, Long> virtuals) {
        byte[] out = new byte[Extern.kconfigSize(externs)];
        ByteBuffer b = ByteBuffer.wrap(out).order(order);
        for (Extern e : externs) {
            if (e.kind() != Extern.Kind.KCONFIG) {
                continue;
            }
            String where = ".kconfig extern '" + e.name() + "' (" + dev.gewyvern.btf.BtfValues.typeName(btf, e.btfTypeId())
                    + ")";
            BtfType t = btf.type(btf.resolve(e.btfTypeId()));
            String value;
            if (VIRTUAL.contains(e.name())) {
                Long v = virtuals.get(e.name());
                if (v == null) {
                    throw new IllegalArgumentException("the loader gave no value for " + e.name());
                }
                if (t instanceof BtfType.Enum) {
                    throw new ElfException(where + ": libbpf's virtual externs are integers, bools or chars");
                }
                value = Long.toString(v);
            } else if (e.name().startsWith("CONFIG_")) {
                value = config.get(e.name());
            } else {
                // as libbpf: an unknown LINUX_ name is 0 when weak; any other name is no extern libbpf fills
                if (!e.weak() || !e.name().startsWith("LINUX_")) {
                    throw new ElfException(where + ": unknown; .kconfig externs are CONFIG_* values of the kernel's "
                            + "configuration and libbpf's virtual " + String.join(", ", VIRTUAL)
                            + (e.name().startsWith("LINUX_") ? " (declare it __weak to let it default to 0)" : ""));
                }
                continue;
            }
            if (value == null) {
                if (!e.weak()) {
                    throw new ElfException(where + " is not set in the kernel's configuration; declare it __weak "
                            + "to let it default to 0");
                }
                continue;
            }
            put(where, b, e, t, value);
        }
        return out;
    }

    private static void put(String where, ByteBuffer b, Extern e, BtfType t, String value) {
        int at = e.offset();
        if (value.equals("y") || value.equals("n") || value.equals("m")) {
            char c = value.charAt(0);
            if (t instanceof BtfType.Enum en && en.name().equals("libbpf_tristate")) {
                b.putInt(at, c == 'y' ? 1 : c == 'm' ? 2 : 0);
            } else if (t instanceof BtfType.Int i && (i.encoding() & 4) != 0 || t instanceof BtfType.Int i1
                    && i1.size() == 1 && (i1.encoding() & 2) == 0) {
                if (c == 'm') {
                    throw new ElfException(where + ": the kernel has it as a module (m), which a bool cannot hold; "
                            + "declare it enum libbpf_tristate");
                }
                b.put(at, (byte) (c == 'y' ? 1 : 0));
            } else if (t instanceof BtfType.Int i2 && i2.size() == 1) {
                b.put(at, (byte) c); // char: 'y', 'n' or 'm' as libbpf stores it
            } else {
                throw new ElfException(where + ": the kernel's value is '" + value + "', which fits only a bool, "
                        + "char or enum libbpf_tristate");
            }
            return;
        }
        if (value.startsWith("\"")) {
            if (!(t instanceof BtfType.Array) || e.size() < 1) {
                throw new ElfException(where + ": the kernel's value is a string, which fits only a char array");
            }
            String s = value.length() >= 2 && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            int n = Math.min(bytes.length, e.size() - 1); // truncated, NUL-terminated, as libbpf does
            b.put(at, bytes, 0, n);
            return;
        }
        if (!(t instanceof BtfType.Int) && !(t instanceof BtfType.Enum)) {
            throw new ElfException(where + ": the kernel's value is '" + value + "', which fits only an integer");
        }
        long n;
        try {
            n = value.startsWith("0x") || value.startsWith("0X") ? Long.parseUnsignedLong(value.substring(2), 16)
                    : Long.parseLong(value);
        } catch (NumberFormatException ex) {
            throw new ElfException(where + ": the kernel's value '" + value + "' is not a number");
        }
        if (e.size() < 8) {
            long bits = 8L * e.size();
            if (n < -(1L << (bits - 1)) || n >= (1L << bits)) {
                throw new ElfException(where + ": the kernel's value " + value + " does not fit " + e.size() + " bytes");
            }
        }
        switch (e.size()) {
            case 1: b.put(at, (byte) n); break;
            case 2: b.putShort(at, (short) n); break;
            case 4: b.putInt(at, (int) n); break;
            case 8: b.putLong(at, n); break;
            default: throw new ElfException(where + ": an integer of " + e.size() + " bytes");
        }
    }
}
