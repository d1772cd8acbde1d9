package dev.gewyvern.session.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The lock that keeps a second `gew serve` off a socket: a file beside it, opened without following a
 * symbolic link, created 0600, locked, and removed again when the server ends. Since a removed lock file
 * can still be locked by a server that opened it just before, whoever takes the lock checks that the path
 * still names the file it locked (a mark written through the lock, read back by path) and takes it again
 * otherwise.
 */
final class LockFile {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private LockFile(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    Path path() {
        return path;
    }

    /** Takes the lock at {@code path} for the socket {@code socket} (named in errors), or refuses. */
    static LockFile take(Path path, Path socket) {
        for (int attempt = 0; attempt < 8; attempt++) {
            FileChannel ch;
            try {
                ch = FileChannel.open(path, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (IOException e) {
                throw new ControlException("cannot open the lock file " + path + ": " + e.getMessage()
                        + (Files.isSymbolicLink(path) ? " (it is a symbolic link, which is never followed)" : ""));
            }
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException | IOException e) {
                lock = null; // held by this very process, or not to be had
            }
            if (lock == null) {
                close(ch);
                throw new ControlException("another gew serve holds " + socket + " (its lock file " + path
                        + " is taken)");
            }
            byte[] mark = (ProcessHandle.current().pid() + " " + HexFormat.of().formatHex(random()) + "\n").getBytes(StandardCharsets.US_ASCII);
            try {
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(mark), 0);
                if (Arrays.equals(mark, readByPath(path, mark.length + 1))) {
                    return new LockFile(path, ch, lock);
                }
            } catch (IOException e) {
                // the path names another file now, or none: take it again
            }
            close(ch); // we locked a file its server removed on its way out
        }
        throw new ControlException("cannot take the lock file " + path + ": it keeps being replaced");
    }

    private static byte[] random() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }

    private static byte[] readByPath(Path path, int max) throws IOException {
        try (SeekableByteChannel in = Files.newByteChannel(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer b = ByteBuffer.allocate(max);
            while (b.hasRemaining() && in.read(b) > 0) {
                // read on
            }
            return Arrays.copyOf(b.array(), b.position());
        } catch (NoSuchFileException e) {
            return new byte[0];
        }
    }

    /** Removes the lock file (while still holding it), then lets it go. */
    void release() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // a lock file left behind is taken again by the next server
        }
        try {
            lock.release();
        } catch (IOException e) {
            // closing drops it anyway
        }
        close(channel);
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
