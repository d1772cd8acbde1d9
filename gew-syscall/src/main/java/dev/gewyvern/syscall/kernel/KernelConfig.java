package dev.gewyvern.syscall.kernel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The running kernel's build configuration, from /proc/config.gz or /boot/config-RELEASE (whichever exists,
 * in that order, as libbpf and bpftool look), read once. Absent when the kernel publishes neither. The one
 * reader of it: the capability report names options from it, and .kconfig externs read their values.
 * {@code values} are as the file writes them (a string keeps its quotes, "n" for "is not set").
 */
public record KernelConfig(String source, Map<String, String> values) {
    public KernelConfig {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The options gewyvern's capability report names. */
    public static final String[] RELEVANT = {"CONFIG_BPF", "CONFIG_BPF_SYSCALL", "CONFIG_BPF_JIT",
        "CONFIG_BPF_JIT_ALWAYS_ON", "CONFIG_DEBUG_INFO_BTF", "CONFIG_DEBUG_INFO_BTF_MODULES", "CONFIG_CGROUP_BPF",
        "CONFIG_BPF_EVENTS", "CONFIG_KPROBES", "CONFIG_KPROBE_EVENTS", "CONFIG_UPROBES", "CONFIG_UPROBE_EVENTS",
        "CONFIG_FPROBE", "CONFIG_FUNCTION_TRACER", "CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS", "CONFIG_BPF_LSM",
        "CONFIG_LSM", "CONFIG_NET_XGRESS", "CONFIG_NET_CLS_BPF", "CONFIG_NETKIT", "CONFIG_NETFILTER_BPF_LINK",
        "CONFIG_BPF_LIRC_MODE2", "CONFIG_MEMCG", "CONFIG_SECURITY_LOCKDOWN_LSM"};

    private static volatile Optional<KernelConfig> running;

    /** The running kernel's configuration, read once. */
    public static Optional<KernelConfig> running() {
        Optional<KernelConfig> c = running;
        if (c == null) {
            running = c = read();
        }
        return c;
    }

    private static Optional<KernelConfig> read() {
        Path gz = Path.of("/proc/config.gz");
        try {
            if (Files.isReadable(gz)) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    in.transferTo(out);
                    return Optional.of(parse(gz.toString(), out.toString(StandardCharsets.UTF_8)));
                }
            }
            Path boot = Path.of("/boot/config-" + KernelRelease.running().text());
            if (Files.isReadable(boot)) {
                return Optional.of(parse(boot.toString(), Files.readString(boot)));
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Parses a .config: {@code CONFIG_X=v} lines as written, and {@code # CONFIG_X is not set} as "n". */
    static KernelConfig parse(String source, String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("CONFIG_")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq), line.substring(eq + 1));
                }
            } else if (line.startsWith("# CONFIG_") && line.endsWith(" is not set")) {
                values.put(line.substring(2, line.length() - " is not set".length()), "n");
            }
        }
        return new KernelConfig(source, values);
    }

    /** y, m, n (also for options the file does not mention), or the option's value (a string without quotes). */
    public String get(String option) {
        String v = values.getOrDefault(option, "n");
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    public boolean enabled(String option) {
        String v = get(option);
        return v.equals("y") || v.equals("m");
    }
}
