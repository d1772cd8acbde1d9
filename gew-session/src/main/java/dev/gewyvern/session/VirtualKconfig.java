package dev.gewyvern.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.syscall.LibbpfFeatures;
import dev.gewyvern.syscall.kernel.KernelRelease;

/**
 * The values of libbpf's virtual {@code .kconfig} externs ({@link BpfObject#VIRTUAL_KCONFIG}), computed
 * as libbpf computes them: {@code LINUX_KERNEL_VERSION} from Ubuntu's {@code /proc/version_signature},
 * else the "Debian x.y.z" of the kernel's version string, else the release; {@code LINUX_HAS_BPF_COOKIE}
 * and {@code LINUX_HAS_SYSCALL_WRAPPER} from libbpf's own probes ({@link LibbpfFeatures}). Only the
 * externs an object reads are computed (a probe is a kernel call).
 */
final class VirtualKconfig {
    private static final Path UBUNTU = Path.of("/proc/version_signature");
    private static final Path VERSION = Path.of("/proc/sys/kernel/version");

    private VirtualKconfig() {
    }

    /** The values of {@code names} (virtual externs an object reads). */
    static Map<String, Long> values(List<String> names) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, switch (n) {
                case "LINUX_KERNEL_VERSION" -> (long) kernelVersion();
                case "LINUX_HAS_BPF_COOKIE" -> LibbpfFeatures.bpfCookie() ? 1L : 0L;
                case "LINUX_HAS_SYSCALL_WRAPPER" -> LibbpfFeatures.syscallWrapper(
                        f -> AttachBtf.vmlinux().find(BtfKind.FUNC, f) > 0) ? 1L : 0L;
                default -> throw new IllegalArgumentException("no virtual .kconfig extern " + n);
            });
        }
        return out;
    }

    /** libbpf's get_kernel_version(): KERNEL_VERSION(a, b, c), c capped at 255. */
    static int kernelVersion() {
        String ubuntu = read(UBUNTU);
        Optional<KernelRelease> upstream = ubuntu == null ? Optional.empty() : KernelRelease.ofUbuntuSignature(ubuntu);
        if (upstream.isEmpty()) {
            String version = read(VERSION);
            upstream = version == null ? Optional.empty() : KernelRelease.ofDebianVersion(version);
        }
        return releaseVersion(upstream.orElse(KernelRelease.running()).text());
    }

    /**
     * KERNEL_VERSION of a release ("6.18.44-fc" is 6.18.44). libbpf needs three numbers; a release of two
     * ("6.18") is taken as x.y.0 here, where libbpf fails.
     */
    static int releaseVersion(String release) {
        int code = new KernelRelease(release).versionCode();
        if (code == 0) {
            throw SessionException.system(Step.STAGE, "cannot read a version from the kernel release '" + release + "'");
        }
        return code;
    }

    private static String read(Path p) {
        try {
            return Files.isReadable(p) ? Files.readString(p) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
