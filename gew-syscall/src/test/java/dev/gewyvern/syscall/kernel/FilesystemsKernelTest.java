package dev.gewyvern.syscall.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.gewyvern.syscall.Kernel;
import dev.gewyvern.syscall.KernelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bpffs is recognised from the mount table exactly where statfs says BPF_FS_MAGIC. */
class FilesystemsKernelTest {
    @TempDir
    Path tmp;

    @Test
    void isBpffsAgreesWithStatfs() throws IOException {
        KernelTestSupport.requireBpf();
        Filesystems.ensureBpffs();
        Path mine = Filesystems.BPFFS.resolve("gewyvern-tests/fs-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectories(mine);
        Path link = tmp.resolve("to-bpffs");
        Files.createSymbolicLink(link, mine);
        try {
            for (Path p : List.of(Filesystems.BPFFS, mine, link, tmp, Path.of("/proc"), Path.of("/sys"), Path.of("/"))) {
                boolean statfs = Kernel.get().filesystemType(p.toString()) == Filesystems.BPF_FS_MAGIC;
                assertEquals(statfs, Filesystems.isBpffs(p), p.toString());
            }
            assertTrue(Filesystems.isBpffs(mine));
            assertTrue(Filesystems.isBpffs(link));
            assertFalse(Filesystems.isBpffs(tmp));
            assertFalse(Filesystems.isBpffs(mine.resolve("not-there")));
        } finally {
            Files.delete(mine);
        }
    }
}
