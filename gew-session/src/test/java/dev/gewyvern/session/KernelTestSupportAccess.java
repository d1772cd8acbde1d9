package dev.gewyvern.session;

import java.nio.file.Path;

/** Lets tests in sub-packages use the package's kernel test support. */
public final class KernelTestSupportAccess {
    private KernelTestSupportAccess() {
    }

    public static void requireBpf() {
        KernelTestSupport.requireBpf();
    }

    /** Whether the instance holds no session, committed or staged. */
    public static boolean holdsNothing(String instanceId) {
        PinRoot root = new PinRoot(PinRoot.DEFAULT);
        return PinRoot.childFolders(root.sessions(instanceId)).isEmpty()
                && PinRoot.childFolders(root.instance(instanceId).resolve("staging")).isEmpty();
    }

    public static Path testdata(String relative) {
        return KernelTestSupport.testdata(relative);
    }
}
