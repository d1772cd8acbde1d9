package dev.gewyvern.syscall.events;

import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import jnr.ffi.Pointer;

/**
 * An epoll set of the file descriptors events arrive on (ring buffer maps, perf event rings), each
 * registered with a token, plus an eventfd so that another thread can wake a waiting reader
 * ({@link #wake}). One thread waits on it; its ready list is a native buffer made once.
 */
final class Poller implements AutoCloseable {
    static final int EPOLLIN = 0x001;
    static final int EPOLLOUT = 0x004;
    private static final int EPOLL_CLOEXEC = 0x80000;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final int EFD_NONBLOCK = 0x800;
    /** struct epoll_event is packed on x86_64: __u32 events, __u64 data. */
    private static final int EVENT_SIZE = 12;
    /** The token the wake-up eventfd is registered with. */
    static final int WAKE = -1;

    private final Native natives = Native.get();
    private final int epfd;
    private final int wakeFd;
    private final Pointer ctl;
    private final Pointer wakeWord;
    private Pointer ready;
    private int capacity;
    private boolean closed;

    Poller() {
        epfd = natives.libc.epoll_create1(EPOLL_CLOEXEC);
        if (epfd < 0) {
            throw new BpfException("epoll_create1", natives.errno(), null, null);
        }
        wakeFd = natives.libc.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (wakeFd < 0) {
            int errno = natives.errno();
            natives.close(epfd);
            throw new BpfException("eventfd", errno, null, null);
        }
        ctl = natives.allocate(EVENT_SIZE);
        wakeWord = natives.allocate(8);
        grow(8);
        add(wakeFd, EPOLLIN, WAKE, "the wake-up eventfd");
    }

    private void grow(int n) {
        capacity = n;
        ready = natives.allocate(n * EVENT_SIZE);
    }

    /** Registers {@code fd} for {@code events} (EPOLLIN, EPOLLOUT) under {@code token}. */
    void add(int fd, int events, int token, String what) {
        ctl.putInt(0, events);
        ctl.putLong(4, token);
        if (natives.libc.epoll_ctl(epfd, EPOLL_CTL_ADD, fd, ctl) != 0) {
            throw new BpfException("epoll_ctl(EPOLL_CTL_ADD) of " + what, natives.errno(), null, null);
        }
        if (capacity < 64) {
            grow(Math.min(64, capacity * 2));
        }
    }

    /**
     * Waits up to {@code timeoutMs} (-1: without end) for registered descriptors to be ready; writes their
     * tokens into {@code tokens} and returns how many. A wake-up from {@link #wake} is consumed here and
     * reported as the token {@link #WAKE}. An interrupted wait returns 0.
     */
    int await(int[] tokens, int timeoutMs) {
        int max = Math.min(tokens.length, capacity);
        int n = natives.libc.epoll_wait(epfd, ready, max, timeoutMs);
        if (n < 0) {
            int errno = natives.errno();
            if (errno == Errno.EINTR) {
                return 0;
            }
            throw new BpfException("epoll_wait", errno, null, null);
        }
        for (int i = 0; i < n; i++) {
            int token = (int) ready.getLong((long) i * EVENT_SIZE + 4);
            tokens[i] = token;
            if (token == WAKE) {
                natives.libc.read(wakeFd, wakeWord, 8); // resets the eventfd's counter
            }
        }
        return n;
    }

    /** Makes a current or the next {@link #await} return (from any thread); nothing once closed. */
    synchronized void wake() {
        if (closed) {
            return;
        }
        Pointer one = natives.allocate(8);
        one.putLong(0, 1);
        natives.libc.write(wakeFd, one, 8);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            natives.close(epfd);
            natives.close(wakeFd);
        }
    }
}
