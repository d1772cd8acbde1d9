package dev.gewyvern.syscall;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.LastError;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;

/**
 * The few libc functions gewyvern calls, bound once per process through jffi: a symbol address and a call
 * signature each, called with {@link Invoker}'s fixed-arity entry points. Nothing is generated at run time
 * (jnr-ffi's interface binding assembles a class and native stubs on every start, tens of milliseconds), so
 * every class here can come from the AppCDS archive. Every call saves errno, read with {@link #errno()}
 * on the same thread right after the call. Strings are passed as NUL-terminated copies in native memory.
 */
final class LibC {
    private static final Type I32 = Type.SINT32;
    private static final Type I64 = Type.SINT64;
    private static final Type PTR = Type.POINTER;

    private static volatile LibC instance;

    private final Invoker invoker = Invoker.getInstance();
    private final Function syscall4 = bind("syscall", I64, I64, I32, PTR, I32);
    private final Function syscall6 = bind("syscall", I64, I64, PTR, I32, I32, I32, I64);
    private final Function close = bind("close", I32, I32);
    private final Function mount = bind("mount", I32, PTR, PTR, PTR, I64, PTR);
    private final Function statfs = bind("statfs", I32, PTR, PTR);
    private final Function open = bind("open", I32, PTR, I32);
    private final Function read = bind("read", I64, I32, PTR, I64);
    private final Function setns = bind("setns", I32, I32, I32);
    private final Function ifNameToIndex = bind("if_nametoindex", Type.UINT32, PTR);
    private final Function getrlimit = bind("getrlimit", I32, I32, PTR);
    private final Function setrlimit = bind("setrlimit", I32, I32, PTR);
    private final Function mmap = bind("mmap", PTR, PTR, I64, I32, I32, I32, I64);
    private final Function munmap = bind("munmap", I32, PTR, I64);
    private final Function umask = bind("umask", I32, I32);

    /** A bound function: its address and its signature. */
    private record Function(long address, CallContext context) {}

    private LibC() {
    }

    /** The process's binding, made on first use. */
    static LibC get() {
        LibC l = instance;
        if (l == null) {
            synchronized (LibC.class) {
                l = instance;
                if (l == null) {
                    instance = l = new LibC();
                }
            }
        }
        return l;
    }

    private static Function bind(String name, Type result, Type... params) {
        long address = Library.getDefault().getSymbolAddress(name);
        if (address == 0) {
            throw new UnsatisfiedLinkError("libc has no " + name + ": " + Library.getLastError());
        }
        return new Function(address, CallContext.getCallContext(result, params, CallingConvention.DEFAULT, true));
    }

    /** errno as the last call on this thread left it. */
    int errno() {
        return LastError.getInstance().get();
    }

    /** syscall(number, cmd, attr, size): bpf(2). */
    long syscall(long number, int cmd, long attr, int size) {
        return invoker.invokeN4(syscall4.context(), syscall4.address(), number, cmd, attr, size);
    }

    /** syscall(number, attr, pid, cpu, groupFd, flags): perf_event_open(2). */
    long syscall(long number, long attr, int pid, int cpu, int groupFd, long flags) {
        return invoker.invokeN6(syscall6.context(), syscall6.address(), number, attr, pid, cpu, groupFd, flags);
    }

    int close(int fd) {
        return (int) invoker.invokeN1(close.context(), close.address(), fd);
    }

    int mount(String source, String target, String fsType, long flags, String data) {
        try (NativeMemory s = NativeMemory.cString(source); NativeMemory t = NativeMemory.cString(target);
             NativeMemory f = NativeMemory.cString(fsType); NativeMemory d = NativeMemory.cString(data)) {
            return (int) invoker.invokeN5(mount.context(), mount.address(), s.address(), t.address(), f.address(),
                    flags, d.address());
        }
    }

    int statfs(String path, long buf) {
        try (NativeMemory p = NativeMemory.cString(path)) {
            return (int) invoker.invokeN2(statfs.context(), statfs.address(), p.address(), buf);
        }
    }

    int open(String path, int flags) {
        try (NativeMemory p = NativeMemory.cString(path)) {
            return (int) invoker.invokeN2(open.context(), open.address(), p.address(), flags);
        }
    }

    long read(int fd, long buf, long count) {
        return invoker.invokeN3(read.context(), read.address(), fd, buf, count);
    }

    int setns(int fd, int nstype) {
        return (int) invoker.invokeN2(setns.context(), setns.address(), fd, nstype);
    }

    /** The interface's index, or 0 when there is none of that name. */
    int ifNameToIndex(String name) {
        try (NativeMemory n = NativeMemory.cString(name)) {
            return (int) invoker.invokeN1(ifNameToIndex.context(), ifNameToIndex.address(), n.address());
        }
    }

    int getrlimit(int resource, long rlimit) {
        return (int) invoker.invokeN2(getrlimit.context(), getrlimit.address(), resource, rlimit);
    }

    int setrlimit(int resource, long rlimit) {
        return (int) invoker.invokeN2(setrlimit.context(), setrlimit.address(), resource, rlimit);
    }

    /** mmap(2); MAP_FAILED is -1. */
    long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
        return invoker.invokeN6(mmap.context(), mmap.address(), addr, length, prot, flags, fd, offset);
    }

    /** umask(2): sets the process's file mode creation mask, returns the one before. */
    int umask(int mask) {
        return (int) invoker.invokeN1(umask.context(), umask.address(), mask);
    }

    int munmap(long addr, long length) {
        return (int) invoker.invokeN2(munmap.context(), munmap.address(), addr, length);
    }

}
