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
import java.util.random.RandomGenerator;

import dev.gewyvern.syscall.kernel.Filesystems;

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

    /** How many ids a reservation draws before it gives up (a collision of 130 random bits is never expected). */
    static final int RESERVE_ATTEMPTS = 8;

    private final Path root;
    /** The source of instance and session ids; a test injects one that collides on purpose. */
    private final RandomGenerator random;

    public PinRoot(Path root) {
        this(root, KernelRandom.INSTANCE);
    }

    PinRoot(Path root, RandomGenerator random) {
        this.root = root.toAbsolutePath().normalize();
        this.random = random;
    }

    public Path path() {
        return root;
    }

    /** Mounts bpffs when missing, checks the root is on bpffs, and makes the folders we need. */
    void prepare() {
        Filesystems.ensureBpffs();
        Path mount = root.getParent();
        if (!Filesystems.isBpffs(mount)) {
            throw SessionException.system(Step.CREATE, mount + " is not a bpffs mount; gewyvern pins only on bpffs");
        }
        prepareFolders();
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

    /**
     * Reserves a new instance id by creating its folder exclusively: an id whose folder exists (another
     * instance's, alive or not) is never shared, a fresh one is drawn instead. The instances folder is
     * made again when a concurrent gew pruned it.
     */
    String reserveInstance() {
        for (int attempt = 0; attempt < RESERVE_ATTEMPTS; attempt++) {
            String id = Ids.instanceId(random);
            try {
                Files.createDirectory(instance(id));
                return id;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                continue; // taken: draw again
            } catch (NoSuchFileException e) {
                prepareFolders(); // pruned by another gew between prepare() and here
            } catch (IOException e) {
                throw SessionException.system(Step.START, "cannot make " + instance(id) + ": " + IoErrors.reason(e));
            }
        }
        throw SessionException.internal(Step.START, "could not reserve an instance id under " + instances() + " in "
                + RESERVE_ATTEMPTS + " attempts: every id drawn was taken, so the random source is broken", null);
    }

    /**
     * Reserves a new session id of an instance by creating its staging folder exclusively, then checking
     * no committed session has the id. Both checks together make the id unique by construction: a
     * staging folder exists from here until the commit renames it into sessions/, so no two live
     * transactions hold one id, and a committed session's id is never drawn again while it exists.
     * The caller owns the returned staging folder (the transaction's rollback removes it).
     */
    String reserveSession(String instanceId, String pipelineName) {
        mkdir(instance(instanceId).resolve("staging"));
        for (int attempt = 0; attempt < RESERVE_ATTEMPTS; attempt++) {
            String id = Ids.sessionId(pipelineName, random);
            Path staging = staging(instanceId, id);
            try {
                Files.createDirectory(staging);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                continue; // another transaction holds this id
            } catch (IOException e) {
                throw SessionException.system(Step.CREATE, "cannot make " + staging + ": " + IoErrors.reason(e));
            }
            if (Files.exists(session(instanceId, id), LinkOption.NOFOLLOW_LINKS)) {
                removeIfPresent(staging); // a committed session has this id
                continue;
            }
            return id;
        }
        throw SessionException.internal(Step.CREATE, "could not reserve a session id under " + instance(instanceId)
                + " in " + RESERVE_ATTEMPTS + " attempts: every id drawn was taken, so the random source is broken", null);
    }

    private void prepareFolders() {
        mkdir(root);
        mkdir(instances());
    }

    static void mkdir(Path dir) {
        try {
            if (Files.isSymbolicLink(dir)) {
                throw SessionException.system(Step.CREATE, dir + " is a symbolic link; gewyvern never follows links in its pin root");
            }
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(dir);
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw SessionException.system(Step.CREATE, dir + " exists and is not a folder");
            }
        } catch (IOException e) {
            throw SessionException.system(Step.CREATE, "cannot make " + dir + ": " + IoErrors.reason(e));
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
            throw SessionException.system(Step.LIST, "cannot list " + dir + ": " + IoErrors.reason(e));
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

    /**
     * Atomically makes a staged session visible: one rename inside bpffs. The id was reserved (see
     * {@link #reserveSession}), so the destination cannot exist; if it does anyway, the rename is refused
     * rather than merged.
     */
    void commit(Path staging, Path session) {
        mkdir(session.getParent());
        if (Files.exists(session, LinkOption.NOFOLLOW_LINKS)) {
            throw SessionException.system(Step.COMMIT, session + " already exists; session ids are reserved in staging/ "
                    + "first, so something outside gewyvern made it: remove it by hand");
        }
        try {
            Files.move(staging, session, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw SessionException.system(Step.COMMIT, "cannot rename " + staging + " to " + session + ": " + IoErrors.reason(e), e);
        }
    }

    /**
     * Removes a session folder: struct_ops maps registered without a link are unregistered first (see
     * {@link StructOpsRegistration}), then links (detaching the programs), then programs, then maps, then
     * the record and the folders. Symbolic links are removed as links, never followed. Returns how many
     * pins it removed.
     */
    static int removeSessionFolder(Path dir) {
        StructOpsRegistration.unregisterPinned(dir.resolve(MAPS));
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
            throw SessionException.system(Step.DETACH, "cannot clean " + dir + ": " + IoErrors.reason(e));
        }
        return n;
    }

    static void removeIfPresent(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            throw SessionException.system(Step.DETACH, p + " still holds something gewyvern did not put there: "
                    + "remove it by hand and retry");
        } catch (IOException e) {
            throw SessionException.system(Step.DETACH, "cannot remove " + p + ": " + IoErrors.reason(e));
        }
    }
}
