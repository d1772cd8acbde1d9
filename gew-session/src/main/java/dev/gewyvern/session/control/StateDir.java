package dev.gewyvern.session.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The runtime's state folder (default /var/lib/gewyvern): pairing keys and records, not execution
 * state. 0700 and root's; every file 0600 and root's, never a symbolic link; writes are atomic (temp
 * file, fsync, rename). Anything else is refused, naming the file.
 */
public final class StateDir {
    public static final Path DEFAULT = Path.of("/var/lib/gewyvern");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private final Path dir;

    public StateDir(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path path() {
        return dir;
    }

    /** Makes the folder (0700) if missing, and checks it. */
    public StateDir open() {
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
            }
        } catch (IOException e) {
            throw new ControlException("cannot make the state folder " + dir + ": " + e.getMessage());
        }
        check(dir, true);
        return this;
    }

    private static void check(Path p, boolean directory) {
        java.util.Map<String, Object> a;
        try {
            // one lstat: numeric uid and mode (no user-name lookup on every request)
            a = Files.readAttributes(p, "unix:uid,mode,isSymbolicLink,isDirectory", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            throw new ControlException("cannot read " + p + ": " + e.getMessage());
        }
        if ((Boolean) a.get("isSymbolicLink")) {
            throw new ControlException(p + " is a symbolic link: refusing it (state files must be plain files)");
        }
        if (directory != (Boolean) a.get("isDirectory")) {
            throw new ControlException(p + " should be a " + (directory ? "folder" : "file"));
        }
        int uid = (Integer) a.get("uid");
        if (uid != 0) {
            throw new ControlException(p + " is owned by uid " + uid + ", not root: refusing it");
        }
        int mode = (Integer) a.get("mode");
        if ((mode & 077) != 0) {
            throw new ControlException(p + " is accessible to group or others (mode " + Integer.toOctalString(mode & 0777)
                    + "): chmod " + (directory ? "700" : "600") + " it, or remove it");
        }
    }

    /** The file's bytes, or null when it does not exist. */
    public byte[] read(String name) {
        Path p = dir.resolve(name);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        check(p, false);
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new ControlException("cannot read " + p + ": " + e.getMessage());
        }
    }

    public void write(String name, byte[] bytes) {
        Path target = dir.resolve(name);
        Path tmp = dir.resolve("." + name + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(FILE_MODE))) {
                ch.write(ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException e) {
                // some file systems cannot fsync a folder; the rename is still atomic
            }
        } catch (IOException e) {
            throw new ControlException("cannot write " + target + ": " + e.getMessage());
        }
    }

    public void delete(String name) {
        try {
            Files.deleteIfExists(dir.resolve(name));
        } catch (IOException e) {
            throw new ControlException("cannot remove " + dir.resolve(name) + ": " + e.getMessage());
        }
    }
}
