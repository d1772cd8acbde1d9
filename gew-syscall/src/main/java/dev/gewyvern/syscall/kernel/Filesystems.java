package dev.gewyvern.syscall.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.Kernel;

/**
 * bpffs and tracefs: checked by their filesystem type, mounted when missing (as bpftool does); and where
 * cgroup v2 is mounted. bpffs is recognised by the type of the mount a path is on, as the JDK reads it from
 * the mount table, so the commands that only look at pins (list, show) never bind native code for it;
 * tracefs and cgroup2 by their statfs magic.
 */
public final class Filesystems {
    public static final long BPF_FS_MAGIC = 0xcafe4a11L;
    public static final long TRACEFS_MAGIC = 0x74726163L;
    public static final Path BPFFS = Path.of("/sys/fs/bpf");
    public static final Path TRACEFS = Path.of("/sys/kernel/tracing");
    public static final long CGROUP2_SUPER_MAGIC = 0x63677270L;

    private Filesystems() {
    }

    /**
     * Whether {@code path} (symbolic links followed) is on a bpffs mount; false when it does not exist. Agrees
     * with statfs' {@link #BPF_FS_MAGIC}; binding libc for statfs costs a cold start some 35 ms of CPU.
     */
    public static boolean isBpffs(Path path) {
        try {
            return "bpf".equals(Files.getFileStore(path).type());
        } catch (IOException e) {
            return false;
        }
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

    /**
     * The cgroup v2 hierarchy: /sys/fs/cgroup/unified on a hybrid (v1 and v2) machine, /sys/fs/cgroup on a
     * pure v2 one; empty when neither is a cgroup2 mount.
     */
    public static java.util.Optional<Path> cgroup2() {
        for (Path p : new Path[] {Path.of("/sys/fs/cgroup/unified"), Path.of("/sys/fs/cgroup")}) {
            if (Files.isDirectory(p) && Kernel.get().filesystemType(p.toString()) == CGROUP2_SUPER_MAGIC) {
                return java.util.Optional.of(p);
            }
        }
        return java.util.Optional.empty();
    }

    private static void mkdirs(Path p) {
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new BpfException("mkdir " + p, Errno.ENOENT, e.getMessage(), null);
        }
    }
}
