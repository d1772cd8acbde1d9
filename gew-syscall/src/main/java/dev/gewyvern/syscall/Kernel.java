package dev.gewyvern.syscall;

import java.util.IdentityHashMap;
import java.util.Map;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The native boundary: raw bpf(2), perf_event_open(2), close(2), mount(2) and statfs(2) through jnr-ffi.
 * Loaded on first use, so commands that never touch the kernel never pay for it.
 */
public final class Kernel {
    private static final long SYS_BPF = 321;
    private static final long SYS_PERF_EVENT_OPEN = 298;
    private static final long PERF_FLAG_FD_CLOEXEC = 8;

    private static volatile Kernel instance;

    private final LibC libc;
    private final Runtime runtime;

    private Kernel() {
        String arch = System.getProperty("os.arch");
        if (!"amd64".equals(arch) && !"x86_64".equals(arch)) {
            throw new UnsupportedOperationException("gewyvern's syscall numbers are for x86_64; this is " + arch);
        }
        this.libc = LibraryLoader.create(LibC.class).load("c");
        this.runtime = Runtime.getRuntime(libc);
    }

    public static Kernel get() {
        Kernel k = instance;
        if (k == null) {
            synchronized (Kernel.class) {
                k = instance;
                if (k == null) {
                    instance = k = new Kernel();
                }
            }
        }
        return k;
    }

    /** True once the native layer has been bound in this process (so using it costs nothing more). */
    static boolean loaded() {
        return instance != null;
    }

    /** One call's native memory: every buffer the attr points to, kept alive until the call returns. */
    final class Arena implements PointerSpace {
        private final Map<NativeArg, Pointer> buffers = new IdentityHashMap<>();

        public long address(NativeArg arg) {
            Pointer p = buffers.get(arg);
            if (p == null) {
                p = Memory.allocateDirect(runtime, Math.max(arg.size(), 1), true);
                buffers.put(arg, p);
                if (arg instanceof NativeArg.In in) {
                    p.put(0, in.bytes(), 0, in.bytes().length);
                } else if (arg instanceof NativeArg.Struct st) {
                    byte[] b = st.encode(this);
                    p.put(0, b, 0, b.length);
                }
            }
            return p.address();
        }

        byte[] read(NativeArg out) {
            Pointer p = buffers.get(out);
            byte[] b = new byte[out.size()];
            if (p != null) {
                p.get(0, b, 0, b.length);
            }
            return b;
        }
    }

    /** What a bpf(2) call returned: its value and the buffers it filled. */
    public record Result(long value, int errno, byte[] attrAfter, Map<NativeArg, byte[]> outputs) {
        public byte[] output(NativeArg out) {
            return outputs.get(out);
        }
    }

    /** Issues bpf(cmd, attr, size); a negative value carries the errno. */
    public Result bpf(BpfAttr attr) {
        Arena arena = new Arena();
        byte[] bytes = attr.encode(arena);
        Pointer a = Memory.allocateDirect(runtime, bytes.length, true);
        a.put(0, bytes, 0, bytes.length);
        long r = libc.syscall(SYS_BPF, attr.command().number(), a, bytes.length);
        int errno = r < 0 ? runtime.getLastError() : 0;
        byte[] after = new byte[bytes.length];
        a.get(0, after, 0, after.length);
        Map<NativeArg, byte[]> outs = new IdentityHashMap<>();
        for (NativeArg o : arena.buffers.keySet()) {
            if (!(o instanceof NativeArg.In)) {
                outs.put(o, arena.read(o));
            }
        }
        return new Result(r, errno, after, outs);
    }

    /** perf_event_open(attr, pid, cpu, -1, CLOEXEC). */
    public Fd perfEventOpen(PerfEventAttr attr, int pid, int cpu) {
        byte[] bytes = attr.encode();
        Pointer a = Memory.allocateDirect(runtime, bytes.length, true);
        a.put(0, bytes, 0, bytes.length);
        long r = libc.syscall(SYS_PERF_EVENT_OPEN, a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
        if (r < 0) {
            int errno = runtime.getLastError();
            throw new BpfException("perf_event_open(type " + attr.type() + ", config " + attr.config() + ")", errno,
                    errno == Errno.ENOENT || errno == Errno.EINVAL ? "the kernel has no such event" : null, null);
        }
        return new Fd((int) r, "perf_event");
    }

    void close(int fd) {
        libc.close(fd);
    }

    /** mount(2); throws naming the mount when it fails. */
    public void mount(String source, String target, String fsType, String data) {
        if (libc.mount(source, target, fsType, 0, data) != 0) {
            int errno = runtime.getLastError();
            throw new BpfException("mount -t " + fsType + " " + source + " " + target, errno, null, null);
        }
    }

    /** statfs(2)'s f_type of {@code path}, or -1 when the path does not exist. */
    public long filesystemType(String path) {
        Pointer buf = Memory.allocateDirect(runtime, 120, true);
        if (libc.statfs(path, buf) != 0) {
            return -1;
        }
        return buf.getLong(0);
    }
}
