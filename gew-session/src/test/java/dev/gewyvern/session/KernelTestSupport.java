package dev.gewyvern.session;

import java.nio.file.Path;

import dev.gewyvern.syscall.KernelAccess;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Kernel tests run for real; under CI=true a kernel that cannot be reached is a failure, never a skip. */
final class KernelTestSupport {
    private KernelTestSupport() {
    }

    static void requireBpf() {
        String why = KernelAccess.unavailableReason();
        if (why != null) {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail("CI=true but bpf(2) is not usable: " + why);
            }
            Assumptions.abort("bpf(2) is not usable here: " + why);
        }
    }

    /** Where cgroup v2 is mounted; under CI=true a machine without it fails. */
    static Path cgroup2() {
        requireBpf();
        return dev.gewyvern.syscall.kernel.Filesystems.cgroup2().orElseGet(() -> {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail("CI=true but no cgroup2 file system is mounted");
            }
            Assumptions.abort("no cgroup2 file system is mounted");
            return null;
        });
    }

    /** Detaches every session the engine applied and closes it (a test's tear-down; null: nothing started). */
    static void detachAllAndClose(Engine engine) {
        if (engine != null) {
            for (String s : engine.ownSessions()) {
                engine.detach(s);
            }
            engine.close();
        }
    }

    static Path repo() {
        return Path.of(System.getProperty("gew.repo", "../"));
    }

    static Path testdata(String relative) {
        return repo().resolve("testdata").resolve(relative).toAbsolutePath().normalize();
    }
}
