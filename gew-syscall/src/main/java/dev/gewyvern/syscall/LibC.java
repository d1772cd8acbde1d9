package dev.gewyvern.syscall;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;

/** The few libc entry points gewyvern calls; jnr-ffi binds them at run time. */
public interface LibC {
    @SaveError
    long syscall(long number, int cmd, Pointer attr, int size);

    @SaveError
    long syscall(long number, Pointer attr, int pid, int cpu, int groupFd, long flags);

    @SaveError
    int close(int fd);

    @SaveError
    int mount(String source, String target, String fsType, long flags, String data);

    @SaveError
    int statfs(String path, Pointer buf);

    @SaveError
    int open(String path, int flags);

    @SaveError
    long read(int fd, Pointer buf, long count);

    @SaveError
    int setns(int fd, int nstype);

    int if_nametoindex(String name);

    @SaveError
    int getrlimit(int resource, Pointer rlimit);

    @SaveError
    int setrlimit(int resource, Pointer rlimit);
}
