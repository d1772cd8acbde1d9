package dev.gewyvern.syscall;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.syscall.attr.MapCreateAttr;

/** Whether this process can use bpf(2) at all, and if not why: the first thing tests and commands ask. */
public final class KernelAccess {
    private KernelAccess() {
    }

    /** The effective uid, from /proc (no native call). */
    public static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }

    /** Null when bpf(2) works here, else why not. Makes and closes one tiny array map to find out. */
    public static String unavailableReason() {
        if (effectiveUid() != 0) {
            return "not running as root (effective uid " + effectiveUid() + ")";
        }
        try {
            Bpf.createMap(MapCreateAttr.of(MapType.ARRAY, 4, 4, 1).withName("gew_probe")).close();
            return null;
        } catch (BpfException e) {
            return e.getMessage();
        } catch (RuntimeException | LinkageError e) {
            return "cannot call bpf(2): " + e;
        }
    }
}
