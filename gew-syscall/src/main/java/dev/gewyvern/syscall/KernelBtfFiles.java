package dev.gewyvern.syscall;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.kenai.jffi.MemoryIO;

/**
 * The bytes of the kernel's own BTF: /sys/kernel/btf/vmlinux and one split-BTF file per module
 * beside it. Two ways to get them, both measured by gew-bench:
 * <ul>
 * <li>{@link #map}: mmap(MAP_PRIVATE, PROT_READ) through {@link LibC}, the only mapping sysfs allows (NIO's
 *     FileChannel.map asks for a shared one, which sysfs refuses): zero copy, the pages are the
 *     kernel's. A {@link Mapping} is unmapped only when closed, and nothing may read it after that:
 *     the shared {@link KernelBtf} never closes its own.</li>
 * <li>{@link #read}: read(2) into a heap array, which sysfs serves 4 KiB per call.</li>
 * </ul>
 */
public final class KernelBtfFiles {
    public static final Path DIR = Path.of("/sys/kernel/btf");
    public static final String VMLINUX = "vmlinux";
    private static final Pattern MODULE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int PROT_READ = 1;
    private static final int MAP_PRIVATE = 2;

    private KernelBtfFiles() {
    }

    /** The path of vmlinux's or a module's BTF; a module name is checked so it cannot leave the folder. */
    public static Path path(String name) {
        if (!VMLINUX.equals(name) && !MODULE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a kernel module name (letters, digits, _ and -)");
        }
        return DIR.resolve(name);
    }

    /** The modules that have BTF of their own, sorted (the names in /sys/kernel/btf besides vmlinux). */
    public static List<String> modules() {
        List<String> out = new ArrayList<>();
        try (var s = Files.list(DIR)) {
            s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(VMLINUX)).sorted().forEach(out::add);
        } catch (IOException e) {
            throw missing(DIR, e);
        }
        return out;
    }

    /** Bytes per read(2): what FileInputStream copies through its stack buffer without a malloc. */
    private static final int READ_CHUNK = 8192;

    /**
     * Reads the whole file into a heap buffer, in 8 KiB read(2) calls into an array of the file's size.
     * In a fresh JVM this takes about 5 ms where Files.readAllBytes takes about 20 (its channel classes
     * are not yet loaded, and it copies through a temporary direct buffer).
     */
    public static ByteBuffer read(Path path) {
        java.io.File file = path.toFile();
        try (java.io.FileInputStream in = new java.io.FileInputStream(file)) {
            long size = file.length();
            byte[] b = new byte[(int) Math.max(READ_CHUNK, Math.min(size, Integer.MAX_VALUE - 16))];
            int off = 0;
            while (true) {
                if (off == b.length) {
                    int next = in.read(); // the file ends where its size said it would, or it has more
                    if (next < 0) {
                        break;
                    }
                    if (b.length >= Integer.MAX_VALUE / 2) {
                        throw new BpfException("read " + path, Errno.EINVAL, "it is larger than 1 GiB", null);
                    }
                    b = java.util.Arrays.copyOf(b, b.length * 2);
                    b[off++] = (byte) next;
                }
                int r = in.read(b, off, Math.min(READ_CHUNK, b.length - off));
                if (r < 0) {
                    break;
                }
                off += r;
            }
            return ByteBuffer.wrap(b, 0, off).slice();
        } catch (java.io.FileNotFoundException e) {
            throw missing(path, java.nio.file.Files.exists(path) ? e : new NoSuchFileException(path.toString()));
        } catch (IOException e) {
            throw missing(path, e);
        }
    }

    /** A private read-only mapping of a whole file; {@link #close} unmaps it (see the class comment). */
    public static final class Mapping implements AutoCloseable {
        private final ByteBuffer bytes;
        private final long address;
        private final long length;
        private boolean closed;

        Mapping(ByteBuffer bytes, long address, long length) {
            this.bytes = bytes;
            this.address = address;
            this.length = length;
        }

        /** The mapped bytes: valid until {@link #close}. */
        public ByteBuffer bytes() {
            return bytes;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                LibC.get().munmap(address, length);
            }
        }
    }

    /** Maps the file private and read-only. */
    public static Mapping map(Path path) {
        long size;
        try {
            size = Files.size(path);
        } catch (IOException e) {
            throw missing(path, e);
        }
        if (size <= 0 || size > Integer.MAX_VALUE) {
            throw new BpfException("mmap " + path, Errno.EINVAL, "its size is " + size + " bytes", null);
        }
        LibC m = LibC.get();
        int fd = m.open(path.toString(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            throw new BpfException("open " + path, m.errno(), "the kernel's BTF cannot be read", null);
        }
        try {
            long addr = m.mmap(0, size, PROT_READ, MAP_PRIVATE, fd, 0);
            if (addr == -1 || addr == 0) {
                int errno = m.errno();
                throw new BpfException("mmap " + path, errno,
                        "this kernel does not let its BTF be mapped (it can still be read: KernelBtfFiles.read)", null);
            }
            return new Mapping(MemoryIO.getInstance().newDirectByteBuffer(addr, (int) size), addr, size);
        } finally {
            m.close(fd);
        }
    }

    private static BpfException missing(Path path, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new BpfException("open " + path, Errno.ENOENT, path.getFileName().toString().equals(VMLINUX)
                    ? "this kernel publishes no BTF of its own (it was built without CONFIG_DEBUG_INFO_BTF)"
                    : "no loaded module of that name has BTF (ls " + DIR + " lists those that do)", null);
        }
        return new BpfException("read " + path, 5 /* EIO */, String.valueOf(e.getMessage()), null);
    }
}
