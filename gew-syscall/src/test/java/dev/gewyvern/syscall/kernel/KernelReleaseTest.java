package dev.gewyvern.syscall.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    void theRunningReleaseIsUnames() {
        assertEquals(System.getProperty("os.version"), KernelRelease.running().text());
    }
}
