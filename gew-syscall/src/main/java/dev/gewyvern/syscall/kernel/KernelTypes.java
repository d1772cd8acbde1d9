package dev.gewyvern.syscall.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.btf.BtfType;
import dev.gewyvern.elf.uapi.KernelEnum;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;

/**
 * The running kernel's own BTF (/sys/kernel/btf/vmlinux, {@link KernelBtf#shared()}), and the enums the probes walk:
 * program, map, attach and link types and {@code enum bpf_func_id}. Names come from the kernel, never
 * from a list of ours, so a newer kernel's types are probed too.
 */
public final class KernelTypes {
    static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

    private final Btf btf;

    private KernelTypes(Btf btf) {
        this.btf = btf;
    }

    private static volatile KernelTypes running;

    /** The running kernel's BTF; throws naming the file when it is missing or unreadable. */
    public static KernelTypes running() {
        KernelTypes k = running;
        if (k == null) {
            if (!Files.isReadable(VMLINUX)) {
                throw new BpfException("reading " + VMLINUX, Errno.ENOENT,
                        "the kernel has no BTF (CONFIG_DEBUG_INFO_BTF is off); capabilities cannot be named", null);
            }
            // the process's one indexed copy of the kernel's BTF, shared with everything else that reads it
            running = k = new KernelTypes(KernelBtf.shared().vmlinux());
        }
        return k;
    }

    public Btf btf() {
        return btf;
    }

    private final Map<String, Map<Long, String>> names = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The name of {@code value} in the running kernel's {@code enum enumName}, without {@code prefix}, in
     * lower case (e.g. {@code nameOf("bpf_map_type", "BPF_MAP_TYPE_", 1)} is {@code hash}); the number itself
     * when the kernel has no such value or no BTF. For printing what the kernel reports of our objects.
     */
    public static String nameOf(String enumName, String prefix, long value) {
        if (!Files.isReadable(VMLINUX)) {
            return Long.toString(value);
        }
        String n = running().names.computeIfAbsent(enumName, e -> {
            Map<Long, String> m = new java.util.HashMap<>();
            int id = running().btf.find(BtfKind.ENUM, e);
            if (id > 0) {
                for (BtfType.EnumValue v : ((BtfType.Enum) running().btf.type(id)).values()) {
                    m.putIfAbsent(v.value(), v.name());
                }
            }
            return m;
        }).get(value);
        if (n == null) {
            return Long.toString(value);
        }
        return (n.startsWith(prefix) ? n.substring(prefix.length()) : n).toLowerCase(Locale.ROOT);
    }

    /**
     * The text of {@code value} in the uapi enum {@code type}: the constant's when {@code type} knows it, else
     * the running kernel's name for it (a value newer than gewyvern), else the number itself.
     */
    public static <E extends Enum<E> & KernelEnum> String text(Class<E> type, long value) {
        Optional<E> known = KernelEnum.of(type, value);
        if (known.isPresent()) {
            return known.get().text();
        }
        E any = type.getEnumConstants()[0];
        return nameOf(any.enumName(), any.prefix(), value);
    }

    /** Whether the running kernel has this constant (a name newer than the kernel: not). */
    public boolean has(KernelEnum constant) {
        return value(constant.enumName(), constant.constant()) == constant.value();
    }

    /**
     * The values of {@code enum enumName} whose names start with {@code prefix}, in kernel order, keyed by
     * the lower-case rest of the name; internal markers ({@code __MAX_...}) are left out.
     */
    public Map<String, Integer> values(String enumName, String prefix) {
        Map<String, Integer> out = new LinkedHashMap<>();
        int id = btf.find(BtfKind.ENUM, enumName);
        if (id <= 0) {
            return out;
        }
        for (BtfType.EnumValue v : ((BtfType.Enum) btf.type(id)).values()) {
            if (v.name().startsWith(prefix)) {
                out.putIfAbsent(v.name().substring(prefix.length()).toLowerCase(Locale.ROOT), (int) v.value());
            }
        }
        return out;
    }

    /** One value of an enum; -1 when the kernel does not have it. */
    public int value(String enumName, String constant) {
        int id = btf.find(BtfKind.ENUM, enumName);
        if (id > 0) {
            for (BtfType.EnumValue v : ((BtfType.Enum) btf.type(id)).values()) {
                if (v.name().equals(constant)) {
                    return (int) v.value();
                }
            }
        }
        return -1;
    }

    /** A constant of any enum, named or anonymous (e.g. NFPROTO_IPV4); -1 when the kernel has none. */
    public int constant(String constant) {
        for (int id = 1; id < btf.typeCount(); id++) {
            if (btf.kind(id) == BtfKind.ENUM) {
                for (BtfType.EnumValue v : ((BtfType.Enum) btf.type(id)).values()) {
                    if (v.name().equals(constant)) {
                        return (int) v.value();
                    }
                }
            }
        }
        return -1;
    }

    public Map<String, Integer> programTypes() {
        return values("bpf_prog_type", "BPF_PROG_TYPE_");
    }

    public Map<String, Integer> mapTypes() {
        return values("bpf_map_type", "BPF_MAP_TYPE_");
    }

    public Map<String, Integer> helpers() {
        Map<String, Integer> h = values("bpf_func_id", "BPF_FUNC_");
        h.remove("unspec");
        return h;
    }

    public Map<String, Integer> linkTypes() {
        return values("bpf_link_type", "BPF_LINK_TYPE_");
    }

    public int attachType(String constant) {
        return value("bpf_attach_type", constant);
    }

    /** The BTF id of a kernel function (or -1). */
    public int function(String name) {
        return btf.find(BtfKind.FUNC, name);
    }

    /** The BTF id of a typedef (e.g. {@code btf_trace_sched_switch}, what tp_btf attaches to), or -1. */
    public int typedef(String name) {
        return btf.find(BtfKind.TYPEDEF, name);
    }
}
