package dev.gewyvern.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import dev.gewyvern.proto.v1.Owner;

/** A process as pid + start time + boot id, so that a dead or recycled pid is never taken for a live owner. */
final class OwnerIdentity {
    private OwnerIdentity() {
    }

    static Owner self() {
        long pid = ProcessHandle.current().pid();
        Long start = startTime(pid);
        if (start == null) {
            throw SessionException.system(Step.CREATE, "cannot read /proc/" + pid + "/stat: is /proc mounted?");
        }
        return Owner.newBuilder().setPid(pid).setStartTimeTicks(start).setBootId(bootId()).build();
    }

    static String bootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
        } catch (IOException e) {
            throw SessionException.system(Step.CREATE, "cannot read /proc/sys/kernel/random/boot_id: " + IoErrors.reason(e));
        }
    }

    /**
     * Field 22 of /proc/pid/stat, or null when there is no such process or it has already died (a zombie
     * waiting for its parent is dead for our purpose: it holds nothing and will never clean up).
     */
    static Long startTime(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
        // the command name (field 2) is in parentheses and may hold spaces: count fields after its end
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return null;
        }
        String[] rest = stat.substring(close + 2).split(" ");
        // rest[0] is field 3 (state); field 22 is rest[19]
        if (rest.length < 20 || rest[0].equals("Z") || rest[0].equals("X")) {
            return null;
        }
        try {
            return Long.parseLong(rest[19]);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Whether the process this owner names is still running (same boot, same pid, same start time). */
    static boolean alive(Owner owner) {
        if (!owner.getBootId().equals(bootId())) {
            return false;
        }
        Long start = startTime(owner.getPid());
        return start != null && start == owner.getStartTimeTicks();
    }
}
