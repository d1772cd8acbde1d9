package dev.gewyvern.syscall.kernel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.syscall.RootOnlyFiles;

/**
 * Where each of vmlinux's ~126k BTF type records starts, kept for the rest of this boot, so that a command
 * indexing the kernel's BTF (every apply: CO-RE, and the requirements' enums) reads one small file instead of
 * walking every record. An optimisation only, trusted as the probe cache is: the file is root's alone
 * ({@link RootOnlyFiles}), names this boot, vmlinux's size and time and this build of the BTF parser, and ends
 * with a CRC-32 of what it holds; anything else is ignored and written again from a walk. The offsets it
 * gives are checked again by {@link Btf#index(ByteBuffer, Btf, int[])} as far as that costs no walk.
 */
final class VmlinuxOffsets {
    /** /run is a tmpfs, emptied at every boot. */
    static final Path DEFAULT = Path.of("/run/gewyvern/vmlinux-offsets");

    private static final byte[] MAGIC = "gewyvern-vmlinux-offsets 1\n".getBytes(StandardCharsets.US_ASCII);
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    private VmlinuxOffsets() {
    }

    /**
     * This boot, vmlinux's BTF file and the BTF parser's build, as a file names them; null when they cannot be
     * told (then nothing is read or written).
     */
    static String key(Path vmlinux) {
        try {
            Path parser = Path.of(Btf.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(parser)) {
                parser = parser.resolve(Btf.class.getName().replace('.', '/') + ".class");
            }
            return "boot " + Files.readString(BOOT_ID).trim() + " vmlinux " + Files.size(vmlinux) + "-"
                    + Files.getLastModifiedTime(vmlinux).toMillis() + " parser " + Files.size(parser) + "-"
                    + Files.getLastModifiedTime(parser).toMillis() + "\n";
        } catch (IOException | RuntimeException | java.net.URISyntaxException e) {
            return null;
        }
    }

    /** The offsets {@code file} holds for {@code key}, or null when it holds none we may trust. */
    static int[] read(Path file, String key) {
        byte[] bytes = key == null ? null : RootOnlyFiles.read(file);
        byte[] k = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        if (bytes == null || bytes.length < MAGIC.length + k.length + 4 + 8) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        if (b.getLong(bytes.length - 8) != crc.getValue()
                || !ByteBuffer.wrap(bytes, 0, MAGIC.length).equals(ByteBuffer.wrap(MAGIC))
                || !ByteBuffer.wrap(bytes, MAGIC.length, k.length).equals(ByteBuffer.wrap(k))) {
            return null;
        }
        int at = MAGIC.length + k.length;
        int count = b.getInt(at);
        if (count < 0 || (long) at + 4 + 4L * count + 8 != bytes.length) {
            return null;
        }
        int[] offsets = new int[count];
        b.position(at + 4);
        b.asIntBuffer().get(offsets);
        return offsets;
    }

    /** Writes {@code offsets} for {@code key} to {@code file} whole, or leaves it as it was. */
    static void write(Path file, String key, int[] offsets) {
        if (key == null) {
            return;
        }
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + k.length + 4 + 4 * offsets.length + 8)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put(k).putInt(offsets.length);
        b.asIntBuffer().put(offsets);
        b.position(b.position() + 4 * offsets.length);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, b.position());
        b.putLong(crc.getValue());
        RootOnlyFiles.write(file, b.array());
    }
}
