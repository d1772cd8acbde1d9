package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.gewyvern.proto.v1.CapabilityEntry;
import dev.gewyvern.proto.v1.CapabilityReport;
import dev.gewyvern.proto.v1.RuntimeInfo;

/** The text form of a {@link RuntimeInfo}: a list of facts, then (verbose) one section per kind of capability. */
final class RuntimeInfoText {
    private static final Map<CapabilityEntry.Category, String> SECTIONS = new EnumMap<>(CapabilityEntry.Category.class);

    static {
        SECTIONS.put(CapabilityEntry.Category.PROGRAM_TYPE, "program types");
        SECTIONS.put(CapabilityEntry.Category.MAP_TYPE, "map types");
        SECTIONS.put(CapabilityEntry.Category.ATTACH_KIND, "attach kinds");
        SECTIONS.put(CapabilityEntry.Category.FEATURE, "features");
    }

    private RuntimeInfoText() {
    }

    static void print(PrintWriter out, RuntimeInfo i) {
        Table facts = Table.plain(2).wrap(1);
        facts.row("gewyvern", i.getGewyvernVersion() + " (Java " + i.getJavaVersion() + ")");
        facts.row("kernel", i.getKernelRelease() + " (" + i.getArch() + ")");
        facts.row("root", i.getEffectiveUid() == 0 ? "yes"
                : "no (effective uid " + i.getEffectiveUid() + "; gewyvern's kernel commands need root)");
        facts.row("btf", i.getBtf()
                ? String.format("/sys/kernel/btf/vmlinux (%.1f MiB), %d module BTFs", i.getVmlinuxBtfBytes() / 1048576.0,
                        i.getModuleBtfsCount())
                : "missing: no /sys/kernel/btf/vmlinux (CONFIG_DEBUG_INFO_BTF is off); CO-RE objects cannot load");
        facts.row("bpffs", i.getBpffs() ? "mounted at /sys/fs/bpf" : "not mounted (gew mounts it at /sys/fs/bpf on first use)");
        facts.row("tracefs", i.getTracefsMount().isEmpty() ? "not mounted (gew mounts it when it needs tracepoint ids)"
                : "mounted at " + i.getTracefsMount());
        facts.row("cgroup v2", i.getCgroup2Mount().isEmpty() ? "not mounted" : "mounted at " + i.getCgroup2Mount());
        facts.row("sysctl", "kernel.unprivileged_bpf_disabled=" + i.getSysctlsOrDefault("kernel.unprivileged_bpf_disabled", "?")
                + ", net.core.bpf_jit_enable=" + i.getSysctlsOrDefault("net.core.bpf_jit_enable", "?"));
        facts.row("pin root", i.getPinRoot() + " (" + i.getPinnedSessions() + " sessions in " + i.getPinnedInstances()
                + " instances)");
        facts.print(out);
        if (i.hasCapabilities()) {
            verbose(out, i);
        }
    }

    private static void verbose(PrintWriter out, RuntimeInfo i) {
        out.println();
        var cfg = i.getKernelConfig();
        out.println("kernel config" + (cfg.getSource().isEmpty()
                ? ": not published (no /proc/config.gz, no /boot/config-RELEASE)" : " (" + cfg.getSource() + ")"));
        section(out, cfg.getOptionsMap());
        out.println("sysctl");
        section(out, i.getSysctlsMap());
        out.println("btf");
        Map<String, String> btf = new LinkedHashMap<>();
        btf.put("vmlinux", i.getBtf() ? "/sys/kernel/btf/vmlinux" : "missing");
        btf.put("modules", i.getModuleBtfsCount() == 0 ? "none"
                : i.getModuleBtfsCount() + ": " + String.join(" ", i.getModuleBtfsList()));
        section(out, btf);
        CapabilityReport caps = i.getCapabilities();
        for (Map.Entry<CapabilityEntry.Category, String> s : SECTIONS.entrySet()) {
            List<CapabilityEntry> list = new ArrayList<>();
            for (CapabilityEntry c : caps.getCapabilitiesList()) {
                if (c.getCategory() == s.getKey()) {
                    list.add(c);
                }
            }
            long ok = list.stream().filter(c -> c.getState() == CapabilityEntry.State.SUPPORTED).count();
            out.println(s.getValue() + " (" + ok + " of " + list.size() + " supported)");
            Table t = Table.plain(2).indent("  ").wrap(1);
            for (CapabilityEntry c : list) {
                t.row(c.getName(), c.getText());
            }
            t.print(out);
        }
        Map<String, int[]> helpers = new LinkedHashMap<>();
        Map<String, String> whole = new LinkedHashMap<>();
        for (CapabilityEntry c : caps.getCapabilitiesList()) {
            if (c.getCategory() != CapabilityEntry.Category.HELPER) {
                continue;
            }
            if (c.getName().equals("*")) {
                whole.put(c.getProgramType(), c.getText());
                continue;
            }
            int[] n = helpers.computeIfAbsent(c.getProgramType(), k -> new int[3]);
            n[c.getState() == CapabilityEntry.State.SUPPORTED ? 0 : c.getState() == CapabilityEntry.State.NOT_SUPPORTED ? 1 : 2]++;
        }
        out.println("helpers per program type (supported / not for this type / not probed; every one: --output json)");
        Table t = Table.plain(2).indent("  ").wrap(1);
        for (Map.Entry<String, int[]> e : helpers.entrySet()) {
            int[] n = e.getValue();
            t.row(e.getKey(), n[0] + " / " + n[1] + " / " + n[2]);
        }
        for (Map.Entry<String, String> e : whole.entrySet()) {
            t.row(e.getKey(), e.getValue());
        }
        t.print(out);
        out.printf("%s %d capabilities%s%n", caps.getCached() ? "read" : "probed", caps.getCapabilitiesCount(),
                caps.getCached() ? " from this boot's probe cache"
                        : " in " + caps.getProbeNs() / 1_000_000 + " ms with throwaway programs and maps");
    }

    private static void section(PrintWriter out, Map<String, String> rows) {
        Table t = Table.plain(2).indent("  ").wrap(1);
        for (Map.Entry<String, String> e : rows.entrySet()) {
            t.row(e.getKey(), e.getValue());
        }
        t.print(out);
    }
}
