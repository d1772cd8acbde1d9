package dev.gewyvern.session.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.google.protobuf.ByteString;
import dev.gewyvern.proto.v1.RuntimeInfo;
import dev.gewyvern.session.PinRoot;
import dev.gewyvern.syscall.Filesystems;

/** GetRuntimeInfo's answer: the same facts `gew runtime info` prints, read from /proc and /sys. */
final class RuntimeFacts {
    static final String VERSION = "0.1.0";

    private RuntimeFacts() {
    }

    static RuntimeInfo current(Identity identity) {
        return RuntimeInfo.newBuilder().setGewyvernVersion(VERSION).setKernelRelease(read("/proc/sys/kernel/osrelease"))
                .setArch(System.getProperty("os.arch")).setBtf(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")))
                .setBpffs(Filesystems.isBpffs(Filesystems.BPFFS)).setPinRoot(PinRoot.DEFAULT.toString())
                .setRuntimeId(ByteString.copyFrom(identity.runtimeId())).build();
    }

    private static String read(String p) {
        try {
            return Files.readString(Path.of(p)).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
