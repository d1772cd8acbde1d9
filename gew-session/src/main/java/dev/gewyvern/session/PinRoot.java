package dev.gewyvern.session;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

import dev.gewyvern.syscall.Filesystems;

/**
 * gewyvern's own corner of bpffs, and the only place it reads or writes:
 * {@code <root>/instances/<instance_id>/{owner, staging/<session_id>/, sessions/<session_id>/}}.
 * Every walk lists only folders of ours, and never follows a symbolic link.
 */
public final class PinRoot {
    public static final Path DEFAULT = Path.of("/sys/fs/bpf/gewyvern");

    static final String MAPS = "maps";
    static final String PROGS = "progs";
    static final String LINKS = "links";
    static final String RECORD = "record";
    static final String OWNER = "owner";

    private final Path root;

    public PinRoot(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path path() {
        return root;
    }

    /** Mounts bpffs when missing, checks the root is on bpffs, and makes the folders we need. */
    void prepare() {
        Filesystems.ensureBpffs();
        Path mount = root.getParent();
        if (!Filesystems.isBpffs(mount)) {
            throw new SessionException("create", mount + " is not a bpffs mount; gewyvern pins only on bpffs");
        }
        mkdir(root);
        mkdir(instances());
    }

    Path instances() {
        return root.resolve("instances");
    }

    Path instance(String instanceId) {
        return instances().resolve(Ids.check("instance id", instanceId));
    }

    Path sessions(String instanceId) {
        return instance(instanceId).resolve("sessions");
    }

    Path session(String instanceId, String sessionId) {
        return sessions(instanceId).resolve(Ids.check("session id", sessionId));
    }

    Path staging(String instanceId, String sessionId) {
        return instance(instanceId).resolve("staging").resolve(Ids.check("session id", sessionId));
    }

    static void mkdir(Path dir) {
        try {
            if (Files.isSymbolicLink(dir)) {
                throw new SessionException("create", dir + " is a symbolic link; gewyvern never follows links in its pin root");
            }
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(dir);
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new SessionException("create", dir + " exists and is not a folder");
            }
        } catch (IOException e) {
            throw new SessionException("create", "cannot make " + dir + ": " + e.getMessage());
        }
    }

    /** The real (not symlinked) sub-folders of {@code dir} whose names are valid ids, sorted. */
    static List<String> childFolders(Path dir) {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (Ids.ID.matcher(name).matches() && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(name);
                }
            }
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new SessionException("list", "cannot list " + dir + ": " + e.getMessage());
        }
        out.sort(null);
        return out;
    }

    List<String> instanceIds() {
        return childFolders(instances());
    }

    /**
     * Removes the instances folder and the root when nothing is left in them, so that gewyvern leaves no
     * trace in bpffs once its last session is gone. A concurrent start re-creates them (see {@link #prepare}).
     */
    void pruneEmpty() {
        for (Path p : List.of(instances(), root)) {
            try {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(p);
                }
            } catch (java.nio.file.DirectoryNotEmptyException | NoSuchFileException e) {
                return;
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Atomically makes a staged session visible: one rename inside bpffs. */
    void commit(Path staging, Path session) {
        mkdir(session.getParent());
        try {
            Files.move(staging, session, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SessionException("commit", "cannot rename " + staging + " to " + session + ": " + e);
        }
    }

    /**
     * Removes a session folder: links first (detaching the programs), then programs, then maps, then
     * the record and the folders. Symbolic links are removed as links, never followed. Returns how many
     * pins it removed.
     */
    static int removeSessionFolder(Path dir) {
        int removed = 0;
        for (String sub : List.of(LINKS, PROGS, MAPS)) {
            removed += removeEntries(dir.resolve(sub));
            removeIfPresent(dir.resolve(sub));
        }
        removed += removeEntries(dir);
        removeIfPresent(dir);
        return removed;
    }

    /** Unlinks every entry of {@code dir} that is not a folder (pins, records, symbolic links: never followed). */
    static int removeEntries(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isDirectory()) {
                    continue; // sub-folders are handled by the caller, in order
                }
                removeIfPresent(p);
                n++;
            }
        } catch (NoSuchFileException e) {
            return n;
        } catch (IOException e) {
            throw new SessionException("detach", "cannot clean " + dir + ": " + e.getMessage());
        }
        return n;
    }

    static void removeIfPresent(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            throw new SessionException("detach", p + " still holds something gewyvern did not put there: "
                    + "remove it by hand and retry");
        } catch (IOException e) {
            throw new SessionException("detach", "cannot remove " + p + ": " + e.getMessage());
        }
    }
}
