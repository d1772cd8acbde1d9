package dev.gewyvern.session.control;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The folder `gew serve` puts its Unix socket and lock file in, made safe the way systemd makes a
 * RuntimeDirectory and walks a path with chase(CHASE_SAFE): every folder on the path, from /, is a real
 * folder (no symbolic link anywhere), owned by root; a folder on the way that others may write must be
 * sticky (as /tmp), so no one else can swap what root created in it; the socket's own folder is writable by
 * root alone. What is missing is created, 0700 and root's. Nothing that exists is ever changed (no chmod,
 * no chown): a folder that does not pass is refused by name, so `--socket /tmp/x.sock` (a 1777 folder) or a
 * folder some user owns never becomes root's socket folder (issue 12 item 5).
 */
final class SocketFolder {
    private static final int GROUP_OR_OTHER_WRITE = 0022;
    private static final int STICKY = 01000;

    private SocketFolder() {
    }

    /** Checks (and creates what is missing of) the folder of {@code socket}; returns the socket's absolute path. */
    static Path prepare(Path socket) {
        Path abs = socket.toAbsolutePath();
        if (!abs.normalize().equals(abs)) {
            throw new ControlException("--socket " + socket + ": name the socket by a plain path (no '.' or '..')");
        }
        Path dir = abs.getParent();
        if (dir == null || abs.getFileName() == null) {
            throw new ControlException("--socket " + socket + " names no file in a folder");
        }
        Path walked = abs.getRoot();
        check(walked, false, false);
        for (Path part : dir) {
            walked = walked.resolve(part);
            boolean created = false;
            if (!Files.exists(walked, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createDirectory(walked, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                    created = true;
                } catch (FileAlreadyExistsException e) {
                    // made meanwhile by someone else: checked below like any folder that was there
                } catch (IOException e) {
                    throw new ControlException("cannot create the socket folder " + walked + ": " + e.getMessage());
                }
            }
            check(walked, walked.equals(dir), created);
        }
        return abs;
    }

    private static void check(Path folder, boolean socketFolder, boolean created) {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(folder, "unix:uid,mode,isSymbolicLink,isDirectory", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new ControlException("the socket folder " + folder + " vanished while gew serve prepared it");
        } catch (IOException e) {
            throw new ControlException("cannot inspect " + folder + " on the socket's path: " + e.getMessage());
        }
        if ((Boolean) a.get("isSymbolicLink")) {
            throw new ControlException(folder + " on the socket's path is a symbolic link; gew serve follows none: "
                    + "name the socket by its real path");
        }
        if (!(Boolean) a.get("isDirectory")) {
            throw new ControlException(folder + " on the socket's path is not a folder");
        }
        int uid = (Integer) a.get("uid");
        int mode = (Integer) a.get("mode") & 07777;
        if (uid != 0) {
            throw new ControlException(folder + " on the socket's path is owned by uid " + uid + ", not root: whoever "
                    + "owns it could swap the socket; choose a path of root's folders (the default is "
                    + ControlServer.DEFAULT_SOCKET + ")");
        }
        if ((mode & GROUP_OR_OTHER_WRITE) != 0 && (socketFolder || (mode & STICKY) == 0)) {
            throw new ControlException(folder + " (mode " + Integer.toOctalString(mode) + ") is writable by others, "
                    + (socketFolder ? "so it cannot hold root's socket: name a socket in a folder of its own (gew "
                    + "serve creates a missing folder 0700), e.g. " + folder.resolve("gewyvern") + "/gew.sock"
                    : "without the sticky bit, so what root creates below it could be swapped")
                    + "; gew serve never changes an existing folder's mode");
        }
        if (created && (mode & 0077) != 0) {
            throw new ControlException("created " + folder + " but it has mode " + Integer.toOctalString(mode)
                    + ", not 0700");
        }
    }
}
