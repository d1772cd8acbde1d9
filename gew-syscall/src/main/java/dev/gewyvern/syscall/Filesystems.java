package dev.gewyvern.syscall;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** bpffs and tracefs: checked by their statfs magic, mounted when missing (as bpftool does). */
public final class Filesystems {
    public static final long BPF_FS_MAGIC = 0xcafe4a11L;
    public static final long TRACEFS_MAGIC = 0x74726163L;
    public static final Path BPFFS = Path.of("/sys/fs/bpf");
    public static final Path TRACEFS = Path.of("/sys/kernel/tracing");

    private Filesystems() {
    }

    public static boolean isBpffs(Path path) {
        return Kernel.get().filesystemType(path.toString()) == BPF_FS_MAGIC;
    }

    /** Mounts bpffs at /sys/fs/bpf unless one is there already. Returns true when it mounted. */
    public static boolean ensureBpffs() {
        if (isBpffs(BPFFS)) {
            return false;
        }
        mkdirs(BPFFS);
        Kernel.get().mount("bpf", BPFFS.toString(), "bpf", "mode=0700");
        return true;
    }

    /** Mounts tracefs at /sys/kernel/tracing unless one is there already. */
    public static Path ensureTracefs() {
        if (Kernel.get().filesystemType(TRACEFS.toString()) != TRACEFS_MAGIC) {
            mkdirs(TRACEFS);
            Kernel.get().mount("tracefs", TRACEFS.toString(), "tracefs", null);
        }
        return TRACEFS;
    }

    private static void mkdirs(Path p) {
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new BpfException("mkdir " + p, Errno.ENOENT, e.getMessage(), null);
        }
    }
}
