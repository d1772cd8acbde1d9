package dev.gewyvern.cli;

import dev.gewyvern.syscall.KernelAccess;

/** gewyvern runs as root only: every command that touches the kernel asks here first. */
final class Root {
    private Root() {
    }

    static void require(String command) {
        int uid = KernelAccess.effectiveUid();
        if (uid != 0) {
            throw new UserError("'" + command + "' needs root (effective uid is " + uid + "): gewyvern makes "
                    + "bpf(2) calls and pins in /sys/fs/bpf. Run it as root, e.g. sudo ./gew " + command,
                    ExitCode.NOT_ROOT);
        }
    }
}
