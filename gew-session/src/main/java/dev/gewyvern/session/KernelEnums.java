package dev.gewyvern.session;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.btf.BtfType;
import dev.gewyvern.syscall.KernelBtf;

/** Names of the kernel's enum values (map and program types), read from the running kernel's own BTF. */
public final class KernelEnums {
    private static volatile Btf vmlinux;
    private static final Map<String, Map<Long, String>> CACHE = new HashMap<>();

    private KernelEnums() {
    }

    private static Btf vmlinux() {
        if (vmlinux == null) {
            try {
                vmlinux = KernelBtf.shared().vmlinux(); // the instance's one copy, indexed lazily
            } catch (RuntimeException e) {
                return null;
            }
        }
        return vmlinux;
    }

    /** e.g. name("bpf_map_type", "BPF_MAP_TYPE_", 1) is "hash"; an unknown value prints as its number. */
    public static synchronized String name(String enumName, String prefix, long value) {
        Map<Long, String> names = CACHE.computeIfAbsent(enumName, n -> {
            Map<Long, String> m = new HashMap<>();
            Btf btf = vmlinux();
            int id = btf == null ? -1 : btf.find(BtfKind.ENUM, n);
            if (id > 0) {
                for (BtfType.EnumValue v : ((BtfType.Enum) btf.type(id)).values()) {
                    m.putIfAbsent(v.value(), v.name());
                }
            }
            return m;
        });
        String n = names.get(value);
        if (n == null) {
            return Long.toString(value);
        }
        return (n.startsWith(prefix) ? n.substring(prefix.length()) : n).toLowerCase(Locale.ROOT);
    }
}
