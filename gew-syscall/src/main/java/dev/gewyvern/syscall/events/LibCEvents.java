package dev.gewyvern.syscall.events;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls the event readers make (mmap, epoll, eventfd, ioctl); bound on first use, so a command
 * that never reads events does not pay for them. Public only because jnr-ffi implements it from another
 * class loader; nothing outside this package uses it. The size_t and off_t annotations are not optional.
 */
public interface LibCEvents {
    /** Returns MAP_FAILED, (void *) -1, on failure. */
    @SaveError
    Pointer mmap(Pointer addr, @size_t long length, int prot, int flags, int fd, @off_t long offset);

    @SaveError
    int munmap(Pointer addr, @size_t long length);

    @SaveError
    int epoll_create1(int flags);

    @SaveError
    int epoll_ctl(int epfd, int op, int fd, Pointer event);

    @SaveError
    int epoll_wait(int epfd, Pointer events, int maxEvents, int timeoutMs);

    @SaveError
    int eventfd(int initval, int flags);

    @SaveError
    int ioctl(int fd, long request, long arg);

    @SaveError
    @ssize_t
    long write(int fd, Pointer buf, @size_t long count);

    @SaveError
    @ssize_t
    long read(int fd, Pointer buf, @size_t long count);

    @SaveError
    int close(int fd);

    long sysconf(int name);
}
