package dev.gewyvern.session;

import java.nio.file.Path;

/** Lets tests in sub-packages use the package's kernel test support. */
public final class KernelTestSupportAccess {
    private KernelTestSupportAccess() {
    }

    public static void requireBpf() {
        KernelTestSupport.requireBpf();
    }

    public static Path testdata(String relative) {
        return KernelTestSupport.testdata(relative);
    }
}
