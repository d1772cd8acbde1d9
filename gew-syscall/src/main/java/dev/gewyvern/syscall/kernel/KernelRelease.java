package dev.gewyvern.syscall.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The running kernel's release ({@code /proc/sys/kernel/osrelease}, what {@code uname -r} prints), read once,
 * and the version code BPF objects compare against: KERNEL_VERSION(a, b, c) of its leading numbers, c capped at
 * 255 as the kernel's own macro does ("6.18.44-cloud" is 6.18.44).
 */
public record KernelRelease(String text) {
    static final Path OSRELEASE = Path.of("/proc/sys/kernel/osrelease");
    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?");
    /** Three numbers, as libbpf reads a distribution's upstream release ({@code "%u.%u.%u"}). */
    private static final Pattern THREE = Pattern.compile("^\\d+\\.\\d+\\.\\d+");
    private static final Pattern DEBIAN = Pattern.compile("Debian (\\d+\\.\\d+\\.\\d+)");

    private static volatile KernelRelease running;

    /** The running kernel's release; "" when /proc cannot be read. */
    public static KernelRelease running() {
        KernelRelease r = running;
        if (r == null) {
            String text;
            try {
                text = Files.readString(OSRELEASE).trim();
            } catch (IOException e) {
                text = "";
            }
            running = r = new KernelRelease(text);
        }
        return r;
    }

    /** KERNEL_VERSION(a, b, c) of the release, or 0 when it does not start with a version. */
    public int versionCode() {
        Matcher m = VERSION.matcher(text);
        if (!m.find()) {
            return 0;
        }
        int c = m.group(3) == null ? 0 : Math.min(255, Integer.parseInt(m.group(3)));
        return (Integer.parseInt(m.group(1)) << 16) + (Integer.parseInt(m.group(2)) << 8) + c;
    }

    /**
     * The upstream release Ubuntu names in {@code /proc/version_signature} ("Ubuntu 5.15.0-91.101-generic
     * 5.15.131": its third word), when that word starts with three numbers.
     */
    public static Optional<KernelRelease> ofUbuntuSignature(String signature) {
        String[] words = signature.trim().split("\\s+");
        if (words.length < 3) {
            return Optional.empty();
        }
        Matcher m = THREE.matcher(words[2]);
        return m.find() ? Optional.of(new KernelRelease(m.group())) : Optional.empty();
    }

    /**
     * The upstream release Debian names in the kernel's version string ({@code /proc/sys/kernel/version}, "#1 SMP
     * PREEMPT_DYNAMIC Debian 6.1.158-1 (2025-11-09)": 6.1.158), where the release itself says less ("6.1.0-41").
     */
    public static Optional<KernelRelease> ofDebianVersion(String version) {
        Matcher m = DEBIAN.matcher(version);
        return m.find() ? Optional.of(new KernelRelease(m.group(1))) : Optional.empty();
    }
}
