package dev.gewyvern.syscall;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.syscall.kernel.Filesystems;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Kernel tests run for real; under CI=true a kernel that cannot be reached is a failure, never a skip. */
public final class KernelTestSupport {
    private static volatile Btf vmlinux;

    private KernelTestSupport() {
    }

    public static boolean ci() {
        return "true".equals(System.getenv("CI"));
    }

    public static void requireBpf() {
        String why = KernelAccess.unavailableReason();
        if (why != null) {
            if (ci()) {
                Assertions.fail("CI=true but bpf(2) is not usable: " + why);
            }
            Assumptions.abort("bpf(2) is not usable here: " + why);
        }
    }

    public static Btf vmlinux() throws IOException {
        if (vmlinux == null) {
            Path p = Path.of("/sys/kernel/btf/vmlinux");
            if (!Files.exists(p)) {
                if (ci()) {
                    Assertions.fail("CI=true but " + p + " is missing");
                }
                Assumptions.abort(p + " is missing");
            }
            vmlinux = Btf.parse(Files.readAllBytes(p));
        }
        return vmlinux;
    }

    /** Where cgroup v2 is mounted ({@link Filesystems#cgroup2}); under CI=true a machine without it fails. */
    public static Path cgroup2() {
        requireBpf();
        return Filesystems.cgroup2().orElseGet(() -> {
            if (ci()) {
                Assertions.fail("CI=true but no cgroup2 file system is mounted");
            }
            Assumptions.abort("no cgroup2 file system is mounted");
            return null;
        });
    }
}
