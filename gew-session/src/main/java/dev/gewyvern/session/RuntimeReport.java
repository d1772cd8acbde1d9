package dev.gewyvern.session;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.gewyvern.proto.v1.CapabilityEntry;
import dev.gewyvern.proto.v1.CapabilityReport;
import dev.gewyvern.proto.v1.KernelConfigReport;
import dev.gewyvern.proto.v1.NotSupportedReason;
import dev.gewyvern.proto.v1.RuntimeInfo;
import dev.gewyvern.syscall.KernelAccess;
import dev.gewyvern.syscall.kernel.Filesystems;
import dev.gewyvern.syscall.kernel.KernelConfig;
import dev.gewyvern.syscall.kernel.KernelRelease;
import dev.gewyvern.syscall.probes.Capabilities;
import dev.gewyvern.syscall.probes.Capability;
import dev.gewyvern.syscall.probes.Support;

/**
 * The runtime-info and capability reports (docs/spec.md §8), built once here for the CLI and the control server alike.
 * {@link #info} reads /proc and /sys only and makes no bpf(2) call; {@link #capabilities} turns the probes'
 * answers into their message.
 */
public final class RuntimeReport {
    /** The BPF sysctls, as /proc/sys paths. */
    static final String[] SYSCTLS = {"kernel/unprivileged_bpf_disabled", "net/core/bpf_jit_enable",
        "net/core/bpf_jit_harden", "net/core/bpf_jit_kallsyms", "net/core/bpf_jit_limit"};
    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

    private RuntimeReport() {
    }

    /** This runtime and kernel, read from /proc and /sys; {@code pinRoot} is gewyvern's pin root. */
    public static RuntimeInfo info(Path pinRoot) {
        RuntimeInfo.Builder b = RuntimeInfo.newBuilder().setGewyvernVersion(Engine.VERSION)
                .setKernelRelease(KernelRelease.running().text()).setArch(System.getProperty("os.arch"))
                .setJavaVersion(System.getProperty("java.version"))
                .setEffectiveUid(KernelAccess.effectiveUid())
                .setBtf(Files.isReadable(VMLINUX)).setVmlinuxBtfBytes(size(VMLINUX))
                .addAllModuleBtfs(moduleBtfs())
                .setPinRoot(pinRoot.toString());
        // from the mount table, not statfs: plain runtime info loads no native code (it is timed as a cold start)
        String mounts = read("/proc/self/mounts");
        b.setBpffs(mountPoint(mounts, "bpf", Filesystems.BPFFS.toString()).filter(m -> m.equals(
                Filesystems.BPFFS.toString())).isPresent());
        b.setTracefsMount(mountPoint(mounts, "tracefs", Filesystems.TRACEFS.toString()).orElse(""));
        b.setCgroup2Mount(mountPoint(mounts, "cgroup2", null).orElse(""));
        for (String s : SYSCTLS) {
            b.putSysctls(s.replace('/', '.'), read("/proc/sys/" + s));
        }
        Path instances = pinRoot.resolve("instances");
        List<Path> owners = children(instances);
        int sessions = 0;
        for (Path i : owners) {
            sessions += children(i.resolve("sessions")).size();
        }
        return b.setPinnedInstances(owners.size()).setPinnedSessions(sessions).build();
    }

    /** {@link #info} with the kernel configuration and every capability the probes answered. */
    public static RuntimeInfo verbose(Path pinRoot, Capabilities caps) {
        KernelConfigReport.Builder config = KernelConfigReport.newBuilder();
        Optional<KernelConfig> c = KernelConfig.running();
        if (c.isPresent()) {
            config.setSource(c.get().source());
            for (String o : KernelConfig.RELEVANT) {
                config.putOptions(o, c.get().get(o));
            }
        }
        return info(pinRoot).toBuilder().setKernelConfig(config).setCapabilities(capabilities(caps)).build();
    }

    /** GetCapabilities: every capability, typed (category, state, why) with its evidence and its sentence. */
    public static CapabilityReport capabilities(Capabilities caps) {
        CapabilityReport.Builder b = CapabilityReport.newBuilder().setProbeNs(caps.probeNanos())
                .setCached(caps.cached());
        for (Capability c : caps.all()) {
            b.addCapabilities(entry(c));
        }
        return b.build();
    }

    /** One capability as its message. */
    static CapabilityEntry entry(Capability c) {
        CapabilityEntry.Builder e = CapabilityEntry.newBuilder().setCategory(category(c.category()))
                .setProgramType(c.scope()).setName(c.name()).setDetail(c.support().detail())
                .setText(c.support().toString());
        if (c.support() instanceof Support.Supported) {
            e.setState(CapabilityEntry.State.SUPPORTED);
        } else if (c.support() instanceof Support.NotSupported ns) {
            e.setState(CapabilityEntry.State.NOT_SUPPORTED).setWhy(why(ns.why()));
        } else {
            e.setState(CapabilityEntry.State.INCONCLUSIVE);
        }
        return e.build();
    }

    static CapabilityEntry.Category category(Capability.Category c) {
        return switch (c) {
            case PROGRAM_TYPE -> CapabilityEntry.Category.PROGRAM_TYPE;
            case MAP_TYPE -> CapabilityEntry.Category.MAP_TYPE;
            case ATTACH_KIND -> CapabilityEntry.Category.ATTACH_KIND;
            case HELPER -> CapabilityEntry.Category.HELPER;
            case FEATURE -> CapabilityEntry.Category.FEATURE;
        };
    }

    /** Why a capability or requirement is not supported, as the reports say it. */
    static NotSupportedReason why(Support.Why w) {
        return switch (w) {
            case ABSENT -> NotSupportedReason.NOT_SUPPORTED_REASON_ABSENT;
            case CONFIG_MISSING -> NotSupportedReason.NOT_SUPPORTED_REASON_CONFIG_MISSING;
            case REFUSED_BY_POLICY -> NotSupportedReason.NOT_SUPPORTED_REASON_REFUSED_BY_POLICY;
        };
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path)).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static List<String> moduleBtfs() {
        List<String> out = new ArrayList<>();
        for (Path p : children(VMLINUX.getParent())) {
            if (!p.getFileName().toString().equals("vmlinux")) {
                out.add(p.getFileName().toString());
            }
        }
        out.sort(null);
        return out;
    }

    private static List<Path> children(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                out.add(p);
            }
        } catch (IOException e) {
            return out; // counted what could be read
        }
        return out;
    }

    /** Where a filesystem of {@code type} is mounted ({@code where} if it is mounted there, else the first). */
    private static Optional<String> mountPoint(String mounts, String type, String where) {
        String first = null;
        for (String line : mounts.split("\n")) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[2].equals(type)) {
                if (f[1].equals(where)) {
                    return Optional.of(where);
                }
                first = first == null ? f[1] : first;
            }
        }
        return Optional.ofNullable(first);
    }
}
