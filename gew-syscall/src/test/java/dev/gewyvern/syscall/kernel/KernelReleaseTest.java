package dev.gewyvern.syscall.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class KernelReleaseTest {
    @Test
    void versionCodeIsKernelVersionOfTheLeadingNumbers() {
        assertEquals((6 << 16) + (18 << 8) + 44, new KernelRelease("6.18.44-cloud-amd64").versionCode());
        assertEquals((6 << 16) + (1 << 8), new KernelRelease("6.1-rc3").versionCode());
        assertEquals((5 << 16) + (4 << 8) + 255, new KernelRelease("5.4.302").versionCode(), "c is capped at 255");
        assertEquals(0, new KernelRelease("").versionCode());
        assertEquals(0, new KernelRelease("linux").versionCode());
    }

    @Test
    void distributionsNameTheirUpstreamReleaseAsLibbpfReadsIt() {
        assertEquals("5.15.131", KernelRelease.ofUbuntuSignature("Ubuntu 5.15.0-91.101-generic 5.15.131\n")
                .orElseThrow().text());
        assertEquals(Optional.empty(), KernelRelease.ofUbuntuSignature("Ubuntu 5.15.0-91.101-generic"));
        assertEquals(Optional.empty(), KernelRelease.ofUbuntuSignature("Ubuntu 5.15.0-91.101-generic 5.15"),
                "libbpf wants three numbers");
        assertEquals("6.1.158", KernelRelease.ofDebianVersion("#1 SMP PREEMPT_DYNAMIC Debian 6.1.158-1 (2025-11-09)")
                .orElseThrow().text());
        assertEquals(Optional.empty(), KernelRelease.ofDebianVersion("#1 SMP PREEMPT_DYNAMIC Thu Dec  3 2026"));
        assertEquals((6 << 16) + (1 << 8) + 158, KernelRelease.ofDebianVersion("Debian 6.1.158-1").orElseThrow()
                .versionCode());
    }

    @Test
    void theRunningReleaseIsUnames() {
        assertEquals(System.getProperty("os.version"), KernelRelease.running().text());
    }
}
