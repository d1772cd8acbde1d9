package dev.gewyvern.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.Kernel;

/**
 * Which files a Pipeline may name (objects by path, target_btf), and how they are read. Every file is read
 * as untrusted input: a regular file only, opened without following a final symbolic link and without
 * blocking (a FIFO or a device is refused, never waited on), at most {@link #MAX_BYTES}
 * ({@link Kernel#readRegularFile}). No error quotes a file's content or a digest of it.
 * <ul>
 *   <li>{@link #ANYWHERE}: the local command line's rule: root names any absolute path.
 *   <li>{@link #NONE}: a control plane's rule when `gew serve` names no object folder: objects come as bytes
 *       (BpfObject.content) and no path is read at all.
 *   <li>{@link #under}: a control plane's rule with `gew serve --object-dir DIR`: paths inside DIR only, with
 *       no symbolic link anywhere below it; anything else is refused before any filesystem call.
 * </ul>
 */
public sealed interface ObjectFiles permits ObjectFiles.Anywhere, ObjectFiles.None, ObjectFiles.Under {
    /** The largest object or BTF file read (a vmlinux's BTF is a few MiB; objects are smaller). */
    int MAX_BYTES = 64 << 20;

    ObjectFiles ANYWHERE = new Anywhere();
    ObjectFiles NONE = new None();

    /** Paths inside {@code dir} only; {@code dir} must be a folder owned by root that no one else may write. */
    static ObjectFiles under(Path dir) {
        return new Under(Under.checked(dir));
    }

    /**
     * The bytes of the file {@code path}, which the pipeline names in {@code field} (e.g. "objects[0].path")
     * for {@code what} (e.g. "object 'execcount'", said in errors).
     */
    byte[] read(String field, String what, String path);

    /** Any absolute path, as the local root user names it. */
    record Anywhere() implements ObjectFiles {
        @Override
        public byte[] read(String field, String what, String path) {
            return ObjectFiles.readRegular(what, Path.of(path));
        }
    }

    /** No path at all: a control plane sends bytes. */
    record None() implements ObjectFiles {
        @Override
        public byte[] read(String field, String what, String path) {
            throw SessionException.invalid(Step.CREATE, "invalid pipeline: " + field + ": this runtime reads no "
                    + "files for a control plane: send the object's bytes (BpfObject.content), or have the runtime's "
                    + "owner start gew serve with --object-dir naming a folder of objects");
        }
    }

    /** Paths inside one folder the runtime's owner chose. */
    record Under(Path dir) implements ObjectFiles {
        @Override
        public byte[] read(String field, String what, String path) {
            Path p = Path.of(path);
            // a pure check first: nothing outside the folder is even looked at
            if (!p.isAbsolute() || !p.normalize().equals(p) || !p.startsWith(dir) || p.equals(dir)) {
                throw SessionException.invalid(Step.CREATE, "invalid pipeline: " + field + ": '" + path + "' is not "
                        + "a file inside " + dir + ", the only folder this runtime reads objects from (gew serve "
                        + "--object-dir); or send the object's bytes (BpfObject.content)");
            }
            Path walked = dir;
            for (Path part : dir.relativize(p.getParent() == null ? p : p.getParent())) {
                walked = walked.resolve(part);
                if (part.toString().isEmpty()) {
                    continue;
                }
                if (Files.isSymbolicLink(walked) || !Files.isDirectory(walked, LinkOption.NOFOLLOW_LINKS)) {
                    throw SessionException.invalid(Step.CREATE, "invalid pipeline: " + field + ": " + walked
                            + " is not a folder (symbolic links inside " + dir + " are not followed)");
                }
            }
            return ObjectFiles.readRegular(what, p);
        }

        static Path checked(Path dir) {
            Path abs = dir.toAbsolutePath().normalize();
            Map<String, Object> a;
            try {
                a = Files.readAttributes(abs, "unix:uid,mode,isSymbolicLink,isDirectory", LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                throw SessionException.invalid(Step.CREATE, "--object-dir " + abs + ": " + IoErrors.reason(e));
            }
            if ((Boolean) a.get("isSymbolicLink") || !(Boolean) a.get("isDirectory")) {
                throw SessionException.invalid(Step.CREATE, "--object-dir " + abs + " must be a folder (not a "
                        + "symbolic link)");
            }
            if ((Integer) a.get("uid") != 0 || ((Integer) a.get("mode") & 022) != 0) {
                throw SessionException.invalid(Step.CREATE, "--object-dir " + abs + " must be owned by root and "
                        + "writable by no one else (it is uid " + a.get("uid") + ", mode "
                        + Integer.toOctalString((Integer) a.get("mode") & 07777) + "): whoever can write there "
                        + "chooses what the control plane loads");
            }
            return abs;
        }
    }

    private static byte[] readRegular(String what, Path path) {
        try {
            return Kernel.get().readRegularFile(path.toString(), MAX_BYTES);
        } catch (BpfException e) {
            String reason = switch (e.errno()) {
                case Errno.ENOENT -> "no such file or folder";
                case Errno.EACCES, Errno.EPERM -> "permission denied";
                case Errno.ENOTDIR -> "a part of the path is not a folder";
                case Errno.ELOOP -> "it is a symbolic link, which is not followed: name the file itself";
                case Errno.EINVAL -> "it is not a regular file (a folder, a device, a FIFO or a socket is never read)";
                case Errno.EFBIG -> "it is larger than " + (MAX_BYTES >> 20) + " MiB";
                default -> e.getMessage();
            };
            String text = "cannot read " + what + " at " + path + ": " + reason;
            throw e.errno() == Errno.ENOENT ? SessionException.notFound(Step.STAGE, text)
                    : e.errno() == Errno.EACCES || e.errno() == Errno.EPERM || e.errno() == Errno.EIO
                    ? SessionException.system(Step.STAGE, text, e) : SessionException.invalid(Step.STAGE, text);
        }
    }
}
