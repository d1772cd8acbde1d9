package dev.gewyvern.syscall.link;

/** When a multi-probe link's program runs: at entry, at return, or at both as one session. */
public enum ProbeMode {
    /** kprobe.multi, uprobe.multi. */
    ENTRY,
    /** kretprobe.multi, uretprobe.multi: the link's RETURN flag. */
    RETURN,
    /** kprobe.session, uprobe.session: at entry and, when the entry run returned 0, at return. */
    SESSION
}
