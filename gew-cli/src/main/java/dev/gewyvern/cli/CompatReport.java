package dev.gewyvern.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.gewyvern.syscall.Capabilities;
import dev.gewyvern.syscall.Capability;
import dev.gewyvern.syscall.Support;
import dev.gewyvern.syscall.kernel.KernelConfig;

/**
 * The kernel-compat report of {@code gew runtime info --verbose}: the kernel configuration that matters
 * to BPF, the BPF sysctls, kernel and module BTF, and every capability the probes measured, with its
 * state and reason. The text form summarises helpers per program type; the JSON form lists every one.
 */
final class CompatReport {
    static final String[] SYSCTLS = {"kernel/unprivileged_bpf_disabled", "net/core/bpf_jit_enable",
        "net/core/bpf_jit_harden", "net/core/bpf_jit_kallsyms", "net/core/bpf_jit_limit"};
    private static final Capability.Category[] LISTED = {Capability.Category.PROGRAM_TYPE,
        Capability.Category.MAP_TYPE, Capability.Category.ATTACH_KIND, Capability.Category.FEATURE};

    private CompatReport() {
    }

    private static String sysctl(String name) {
        try {
            return Files.readString(Path.of("/proc/sys", name)).trim();
        } catch (IOException e) {
            return "unreadable (" + e.getClass().getSimpleName() + ")";
        }
    }

    static Map<String, String> sysctls() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String s : SYSCTLS) {
            m.put(s.replace('/', '.'), sysctl(s));
        }
        return m;
    }

    static Map<String, String> config() {
        Map<String, String> m = new LinkedHashMap<>();
        Optional<KernelConfig> c = KernelConfig.running();
        if (c.isPresent()) {
            for (String o : KernelConfig.RELEVANT) {
                m.put(o, c.get().get(o));
            }
        }
        return m;
    }

    static List<String> moduleBtfs() {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/sys/kernel/btf"))) {
            for (Path p : ds) {
                if (!p.getFileName().toString().equals("vmlinux")) {
                    out.add(p.getFileName().toString());
                }
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }

    static String reason(Support s) {
        return s instanceof Support.NotSupported ns ? ns.why().text() : null;
    }

    static void text(PrintWriter out) {
        Optional<KernelConfig> cfg = KernelConfig.running();
        out.println();
        out.println("kernel config" + cfg.map(c -> " (" + c.source() + ")").orElse(": not published (no "
                + "/proc/config.gz, no /boot/config-RELEASE)"));
        for (Map.Entry<String, String> e : config().entrySet()) {
            out.printf("  %-40s %s%n", e.getKey(), e.getValue());
        }
        out.println("sysctl");
        for (Map.Entry<String, String> e : sysctls().entrySet()) {
            out.printf("  %-40s %s%n", e.getKey(), e.getValue());
        }
        List<String> modules = moduleBtfs();
        out.println("btf");
        out.printf("  %-40s %s%n", "vmlinux", Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))
                ? "/sys/kernel/btf/vmlinux" : "missing");
        out.printf("  %-40s %s%n", "modules", modules.isEmpty() ? "none" : modules.size() + ": " + String.join(" ", modules));
        Capabilities caps = Capabilities.running();
        for (Capability.Category cat : LISTED) {
            List<Capability> list = caps.of(cat);
            long ok = list.stream().filter(c -> c.support().isSupported()).count();
            out.println(cat.text() + "s (" + ok + " of " + list.size() + " supported)");
            for (Capability c : list) {
                out.printf("  %-40s %s%n", c.name(), c.support());
            }
        }
        Map<String, int[]> helpers = new LinkedHashMap<>();
        Map<String, String> whole = new LinkedHashMap<>();
        for (Capability c : caps.of(Capability.Category.HELPER)) {
            if (c.name().equals("*")) {
                whole.put(c.scope(), c.support().toString());
                continue;
            }
            int[] n = helpers.computeIfAbsent(c.scope(), k -> new int[3]);
            n[c.support() instanceof Support.Supported ? 0 : c.support() instanceof Support.NotSupported ? 1 : 2]++;
        }
        out.println("helpers per program type (supported / not for this type / not probed; every one: --output json)");
        for (Map.Entry<String, int[]> e : helpers.entrySet()) {
            int[] n = e.getValue();
            out.printf("  %-40s %d / %d / %d%n", e.getKey(), n[0], n[1], n[2]);
        }
        for (Map.Entry<String, String> e : whole.entrySet()) {
            out.printf("  %-40s %s%n", e.getKey(), e.getValue());
        }
        out.printf("probed %d capabilities in %d ms with throwaway programs and maps%n", caps.all().size(),
                caps.probeNanos() / 1_000_000);
    }

    static Map<String, Object> json() {
        Map<String, Object> doc = new LinkedHashMap<>();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("source", KernelConfig.running().map(KernelConfig::source).orElse(null));
        config.put("options", config());
        doc.put("kernel_config", config);
        doc.put("sysctl", sysctls());
        Map<String, Object> btf = new LinkedHashMap<>();
        btf.put("vmlinux", Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")) ? "/sys/kernel/btf/vmlinux" : null);
        btf.put("modules", moduleBtfs());
        doc.put("btf", btf);
        Capabilities caps = Capabilities.running();
        List<Object> list = new ArrayList<>();
        for (Capability c : caps.all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("category", c.category().name().toLowerCase(java.util.Locale.ROOT));
            if (!c.scope().isEmpty()) {
                m.put("program_type", c.scope());
            }
            m.put("name", c.name());
            m.put("state", c.support().state());
            m.put("reason", reason(c.support()));
            m.put("detail", c.support().detail());
            list.add(m);
        }
        doc.put("probe_ms", caps.probeNanos() / 1_000_000);
        doc.put("capabilities", list);
        return doc;
    }
}
