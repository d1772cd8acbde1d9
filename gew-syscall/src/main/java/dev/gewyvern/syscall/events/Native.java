package dev.gewyvern.syscall.events;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.kenai.jffi.MemoryIO;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** The event readers' native calls, each failing with a {@link BpfException} that names the call. */
final class Native {
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    private static final int SC_PAGESIZE = 30;
    private static final int EINTR = Errno.EINTR;

    private static volatile Native instance;

    final LibCEvents libc;
    final Runtime runtime;
    final int pageSize;

    private Native() {
        this.libc = LibraryLoader.create(LibCEvents.class).load("c");
        this.runtime = Runtime.getRuntime(libc);
        this.pageSize = (int) libc.sysconf(SC_PAGESIZE);
    }

    static Native get() {
        Native n = instance;
        if (n == null) {
            synchronized (Native.class) {
                n = instance;
                if (n == null) {
                    instance = n = new Native();
                }
            }
        }
        return n;
    }

    int errno() {
        return runtime.getLastError();
    }

    /** A shared mapping of {@code length} bytes of {@code fd} at {@code offset}; {@code what} names it in errors. */
    Mapping map(int fd, long length, int prot, long offset, String what) {
        if (length <= 0 || length > Integer.MAX_VALUE) {
            throw new BpfException("mmap of " + what, Errno.E2BIG, length + " bytes is more than one mapping of "
                    + "gewyvern's can address (2 GiB); make the map smaller", null);
        }
        Pointer p = libc.mmap(null, length, prot, MAP_SHARED, fd, offset);
        long addr = p == null ? -1 : p.address();
        if (addr == -1 || addr == 0) {
            throw new BpfException("mmap of " + what, errno(), null, null);
        }
        ByteBuffer b = MemoryIO.getInstance().newDirectByteBuffer(addr, (int) length).order(ByteOrder.nativeOrder());
        return new Mapping(this, addr, length, b);
    }

    void unmap(long address, long length) {
        libc.munmap(Pointer.wrap(runtime, address), length);
    }

    Pointer allocate(int size) {
        return Memory.allocateDirect(runtime, size, true);
    }

    /** ioctl(fd, request, arg), retried on EINTR. */
    void ioctl(int fd, long request, long arg, String what) {
        while (libc.ioctl(fd, request, arg) < 0) {
            int errno = errno();
            if (errno != EINTR) {
                throw new BpfException(what, errno, null, null);
            }
        }
    }

    void close(int fd) {
        libc.close(fd);
    }
}
