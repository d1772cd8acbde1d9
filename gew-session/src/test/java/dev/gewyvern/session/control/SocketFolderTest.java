package dev.gewyvern.session.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 5: `gew serve --socket` never changes a folder it does not own, and makes what it creates
 * private. Needs root (folders of another owner, root-owned checks). Each test names its defence.
 */
class SocketFolderTest {
    @TempDir
    Path tmp;

    private static int mode(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    private static int uid(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * A world-writable folder (as /tmp) is refused as the socket's folder and left as it was. Defence:
     * SocketFolder.check (the old server chmodded any existing parent to 0700, even when it then failed).
     */
    @Test
    void aFolderOthersMayWriteIsRefusedAndLeftAsItWas() throws Exception {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 01777);
        ControlException e = assertThrows(ControlException.class, () -> SocketFolder.prepare(shared.resolve("gew.sock")));
        assertTrue(e.getMessage().contains("writable by others"), e.getMessage());
        assertEquals(01777, mode(shared), "the folder's mode was not touched");
        assertFalse(Files.exists(shared.resolve("gew.sock.lock"), LinkOption.NOFOLLOW_LINKS));
    }

    /** A folder another user owns, on the way or as the socket's own. Defence: SocketFolder.check's owner rule. */
    @Test
    void aFolderOfAnotherOwnerIsRefusedAndLeftAsItWas() throws Exception {
        Path theirs = Files.createDirectory(tmp.resolve("theirs"));
        Files.setAttribute(theirs, "unix:uid", 65534);
        Files.setAttribute(theirs, "unix:mode", 0755);
        for (Path socket : new Path[] {theirs.resolve("gew.sock"), theirs.resolve("sub/gew.sock")}) {
            ControlException e = assertThrows(ControlException.class, () -> SocketFolder.prepare(socket));
            assertTrue(e.getMessage().contains("owned by uid 65534"), e.getMessage());
        }
        assertEquals(0755, mode(theirs));
        assertEquals(65534, uid(theirs));
        assertFalse(Files.exists(theirs.resolve("sub")), "nothing was created inside it");
    }

    /** Defence: SocketFolder.check refusing a link anywhere on the path (no folder is reached through one). */
    @Test
    void aSymbolicLinkAnywhereOnThePathIsRefused() throws Exception {
        Path real = Files.createDirectory(tmp.resolve("real"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        for (Path socket : new Path[] {link.resolve("gew.sock"), link.resolve("deeper/gew.sock")}) {
            ControlException e = assertThrows(ControlException.class, () -> SocketFolder.prepare(socket));
            assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        }
        assertFalse(Files.exists(real.resolve("deeper")));
    }

    /** Missing folders are made 0700 and root's; an existing root folder others cannot write is used as it is. */
    @Test
    void missingFoldersAreCreatedPrivateAndRootsOwnAreUsedAsTheyAre() throws Exception {
        Path socket = SocketFolder.prepare(tmp.resolve("a/b/gew.sock"));
        assertEquals(tmp.resolve("a/b/gew.sock"), socket);
        for (Path made : new Path[] {tmp.resolve("a"), tmp.resolve("a/b")}) {
            assertEquals(0700, mode(made), made.toString());
            assertEquals(0, uid(made));
        }
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setAttribute(open, "unix:mode", 0755);
        SocketFolder.prepare(open.resolve("gew.sock"));
        assertEquals(0755, mode(open), "an acceptable folder is not changed either");
        assertThrows(ControlException.class, () -> SocketFolder.prepare(Path.of(tmp + "/a/../a/b/gew.sock")));
    }

    /**
     * The lock file is never reached through a link: a link planted at its name makes root create nothing
     * where it points. Defence: LockFile.take opening with NOFOLLOW_LINKS (the old server opened it with CREATE
     * and followed links).
     */
    @Test
    void aLinkAtTheLockFilesNameIsNotFollowed() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("run"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path elsewhere = tmp.resolve("elsewhere");
        Files.createSymbolicLink(dir.resolve("gew.sock.lock"), elsewhere);
        ControlException e = assertThrows(ControlException.class,
                () -> LockFile.take(dir.resolve("gew.sock.lock"), dir.resolve("gew.sock")));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertFalse(Files.exists(elsewhere, LinkOption.NOFOLLOW_LINKS), "nothing was created through the link");
    }

    /** One holder at a time; the file is 0600 and goes when released. Defence: LockFile.take/release. */
    @Test
    void theLockIsHeldOnceAndItsFileGoesWithIt() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("run"));
        Path lockPath = dir.resolve("gew.sock.lock");
        LockFile lock = LockFile.take(lockPath, dir.resolve("gew.sock"));
        assertEquals(0600, mode(lockPath));
        assertThrows(ControlException.class, () -> LockFile.take(lockPath, dir.resolve("gew.sock")));
        lock.release();
        assertFalse(Files.exists(lockPath, LinkOption.NOFOLLOW_LINKS), "the lock file is removed on exit");
        LockFile.take(lockPath, dir.resolve("gew.sock")).release();
    }
}
