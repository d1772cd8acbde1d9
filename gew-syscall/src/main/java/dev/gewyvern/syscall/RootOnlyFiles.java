package dev.gewyvern.syscall;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files that only root may have written, for the per-boot caches under /run/gewyvern (the probe results,
 * vmlinux's record offsets): what is read is trusted only if it is root's alone, and what is written is
 * written whole (a temporary file of mode 0600 renamed over the old one) or not at all.
 */
public final class RootOnlyFiles {
    private RootOnlyFiles() {
    }

    /**
     * The bytes of {@code file} when it and its folder are root's alone (owned by root, not a link, no one
     * else may write either or read the file); null otherwise, or when it cannot be read.
     */
    public static byte[] read(Path file) {
        try {
            if (!rootsAlone(file.getParent(), true) || !rootsAlone(file, false)) {
                return null;
            }
            return Files.readAllBytes(file);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /**
     * Writes {@code bytes} to {@code file} whole, making its folder if missing; leaves everything as it
     * was when the folder is not root's alone or the write fails (a cache that cannot be written is only a
     * slower next start).
     */
    public static void write(Path file, byte[] bytes) {
        Path tmp = null;
        try {
            Path dir = file.getParent();
            Files.createDirectories(dir);
            if (!rootsAlone(dir, true)) {
                return; // someone else's folder: not ours to write into
            }
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (IOException | UnsupportedOperationException e) {
            // as above
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // as above
                }
            }
        }
    }

    /** Owned by root, a regular file or folder (not a link), that no one else may write or (a file) read. */
    private static boolean rootsAlone(Path p, boolean folder) throws IOException {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (folder ? !a.isDirectory() : !a.isRegularFile()) {
            return false;
        }
        if (!a.owner().getName().equals("root")) {
            return false;
        }
        for (PosixFilePermission x : a.permissions()) {
            switch (x) {
                case GROUP_WRITE, OTHERS_WRITE -> {
                    return false;
                }
                case GROUP_READ, OTHERS_READ -> {
                    if (!folder) {
                        return false;
                    }
                }
                default -> { }
            }
        }
        return true;
    }
}
