package dev.gewyvern.session;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.MapInfo;
import dev.gewyvern.syscall.kernel.KernelTypes;

/**
 * How a session registers a struct_ops map with the kernel.
 *
 * <p>{@link #LINK}: the map is created with BPF_F_LINK and a bpf_link registers it (6.4+); the link's pin
 * holds the registration and unpinning it ends it. {@link #MAP_UPDATE}: the classic way (5.6+, and what
 * libbpf does for a map without BPF_F_LINK): writing the map's one element registers it, and deleting
 * the element unregisters it. A classic registration holds its map by itself, so a session makes it only
 * once the map is pinned in the session's folder (at commit), and every removal of a session folder
 * (detach, rollback, cleaning a dead instance's sessions) deletes the element before it unpins the map:
 * the registration lives exactly as long as the pinned map.
 */
enum StructOpsRegistration {
    LINK,
    MAP_UPDATE;

    private static final byte[] KEY = new byte[4];

    /** LINK where the kernel has BPF_F_LINK, else MAP_UPDATE. */
    static StructOpsRegistration forKernel(KernelTypes kernel) {
        return kernel.constant("BPF_F_LINK") >= 0 ? LINK : MAP_UPDATE;
    }

    /** The map_flags a struct_ops map is created with. */
    int mapFlags(KernelTypes kernel) {
        return this == LINK ? kernel.constant("BPF_F_LINK") : 0;
    }

    /** Registers a classic struct_ops map: its value, written to its one element. */
    static void register(Fd map, byte[] value) {
        Bpf.update(map, KEY, value, 0);
    }

    /**
     * Unregisters every classic struct_ops map pinned in {@code maps} (a session's maps folder): each map
     * there of type struct_ops created without BPF_F_LINK has its element deleted (one never registered
     * answers ENOENT). Returns how many were registered.
     */
    static int unregisterPinned(Path maps) {
        if (!Files.isDirectory(maps)) {
            return 0;
        }
        int type = -1;
        int linkFlag = 0;
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(maps)) {
            for (Path pin : ds) {
                if (!Files.isRegularFile(pin, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (type < 0) { // read the kernel's numbers once there is a map to look at
                    KernelTypes kernel = KernelTypes.running();
                    type = kernel.value("bpf_map_type", "BPF_MAP_TYPE_STRUCT_OPS");
                    linkFlag = Math.max(0, kernel.constant("BPF_F_LINK"));
                    if (type < 0) {
                        return 0;
                    }
                }
                try (Fd map = Bpf.get(pin.toString(), "map")) {
                    MapInfo info = Bpf.mapInfo(map);
                    if (info.type() == type && (info.flags() & linkFlag) == 0 && Bpf.delete(map, KEY)) {
                        n++;
                    }
                } catch (BpfException e) {
                    throw SessionException.kernel(Step.DETACH, "cannot unregister the struct_ops map pinned at " + pin
                            + ": " + e.getMessage(), null, e);
                }
            }
        } catch (IOException e) {
            throw SessionException.system(Step.DETACH, "cannot read " + maps + ": " + IoErrors.reason(e));
        }
        return n;
    }
}
