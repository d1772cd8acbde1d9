package dev.gewyvern.syscall;

import java.util.IdentityHashMap;
import java.util.Map;

import dev.gewyvern.syscall.attr.BpfAttr;
import dev.gewyvern.syscall.attr.KprobeEventAttr;
import dev.gewyvern.syscall.attr.NativeArg;
import dev.gewyvern.syscall.attr.PerfEventAttr;
import dev.gewyvern.syscall.attr.PointerSpace;

/**
 * The native boundary: raw bpf(2), perf_event_open(2), close(2), mount(2) and statfs(2) through {@link LibC}
 * (jffi, bound once without generated code). Loaded on first use, so commands that never touch the kernel
 * never pay for it. Every native buffer a call needs is freed when the call returns.
 */
public final class Kernel {
    private static final long SYS_BPF = 321;
    private static final long SYS_PERF_EVENT_OPEN = 298;
    private static final long PERF_FLAG_FD_CLOEXEC = 8;

    private static volatile Kernel instance;

    private final LibC libc;

    private Kernel() {
        String arch = System.getProperty("os.arch");
        if (!"amd64".equals(arch) && !"x86_64".equals(arch)) {
            throw new UnsupportedOperationException("gewyvern's syscall numbers are for x86_64; this is " + arch);
        }
        this.libc = LibC.get();
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
    public static boolean loaded() {
        return instance != null;
    }

    /** One call's native memory: every buffer the attr points to, alive until the call returns, then freed. */
    static final class Arena implements PointerSpace, AutoCloseable {
        private final Map<NativeArg, NativeMemory> buffers = new IdentityHashMap<>();

        public long address(NativeArg arg) {
            NativeMemory p = buffers.get(arg);
            if (p == null) {
                if (arg instanceof NativeArg.In in) {
                    p = NativeMemory.of(in.bytes());
                } else if (arg instanceof NativeArg.Struct st) {
                    p = NativeMemory.of(st.encode(this));
                } else {
                    p = NativeMemory.allocate(arg.size());
                }
                buffers.put(arg, p);
            }
            return p.address();
        }

        byte[] read(NativeArg out) {
            NativeMemory p = buffers.get(out);
            return p == null ? new byte[out.size()] : java.util.Arrays.copyOf(p.bytes(), out.size());
        }

        @Override
        public void close() {
            for (NativeMemory m : buffers.values()) {
                m.close();
            }
            buffers.clear();
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
        DryRun dry = DryRun.active();
        if (dry != null) {
            return dry.bpf(attr);
        }
        try (Arena arena = new Arena()) {
            byte[] bytes = attr.encode(arena);
            try (NativeMemory a = NativeMemory.of(bytes)) {
                long r = libc.syscall(SYS_BPF, attr.command().number(), a.address(), bytes.length);
                int errno = r < 0 ? libc.errno() : 0;
                byte[] after = a.bytes();
                Map<NativeArg, byte[]> outs = new IdentityHashMap<>();
                for (NativeArg o : arena.buffers.keySet()) {
                    if (!(o instanceof NativeArg.In)) {
                        outs.put(o, arena.read(o));
                    }
                }
                return new Result(r, errno, after, outs);
            }
        }
    }

    /** perf_event_open(attr, pid, cpu, -1, CLOEXEC). */
    public Fd perfEventOpen(PerfEventAttr attr, int pid, int cpu) {
        DryRun dry = DryRun.active();
        if (dry != null) {
            return dry.perfEvent(attr + " pid " + pid + " cpu " + cpu);
        }
        return openEvent(attr.encode(), pid, cpu, "perf_event_open(type " + attr.type() + ", config " + attr.config()
                + ")", "the kernel has no such event");
    }

    /**
     * perf_event_open of a uprobe (or uretprobe) on {@code binary} at file offset {@code offset}, for every
     * process ({@code pid} -1) or one.
     */
    public Fd uprobeOpen(String binary, long offset, boolean retprobe, int pid) {
        DryRun dry = DryRun.active();
        if (dry != null) {
            return dry.perfEvent((retprobe ? "uretprobe " : "uprobe ") + binary + "+0x" + Long.toHexString(offset)
                    + " pid " + pid);
        }
        java.nio.file.Path typeFile = java.nio.file.Path.of("/sys/bus/event_source/devices/uprobe/type");
        int pmu;
        try {
            pmu = Integer.parseInt(java.nio.file.Files.readString(typeFile).trim());
        } catch (java.io.IOException | NumberFormatException e) {
            throw new BpfException("reading " + typeFile, Errno.ENOENT,
                    "this kernel has no uprobe PMU (CONFIG_UPROBE_EVENTS off)", null);
        }
        try (NativeMemory path = NativeMemory.cString(binary)) { // the kernel reads it during the call
            return openEvent(PerfEventAttr.uprobe(pmu, retprobe, path.address(), offset), pid, pid == -1 ? 0 : -1,
                    "perf_event_open(" + (retprobe ? "uretprobe " : "uprobe ") + binary + "+0x"
                            + Long.toHexString(offset) + ")", null);
        }
    }

    /** perf_event_open of a kprobe (or kretprobe) event, for every process on one CPU (as libbpf opens it). */
    public Fd kprobeOpen(KprobeEventAttr event, int pid, int cpu) {
        DryRun dry = DryRun.active();
        if (dry != null) {
            return dry.perfEvent(event + " pid " + pid + " cpu " + cpu);
        }
        try (NativeMemory name = NativeMemory.cString(event.function())) { // the kernel reads it during the call
            return openEvent(event.encode(name.address()), pid, cpu, "perf_event_open(kprobe " + event.function() + "+"
                    + event.offset() + ")", "no such kernel function, or it cannot be probed");
        }
    }

    /** perf_event_open(attr, pid, cpu, -1, CLOEXEC); {@code hint} explains ENOENT and EINVAL when not null. */
    private Fd openEvent(byte[] attr, int pid, int cpu, String what, String hint) {
        long r;
        int errno;
        try (NativeMemory a = NativeMemory.of(attr)) {
            r = libc.syscall(SYS_PERF_EVENT_OPEN, a.address(), pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
            errno = r < 0 ? libc.errno() : 0;
        }
        if (r < 0) {
            throw new BpfException(what, errno, errno == Errno.ENOENT || errno == Errno.EINVAL ? hint : null, null);
        }
        return new Fd((int) r, "perf_event");
    }

    void close(int fd) {
        if (DryRun.placeholder(fd)) {
            return; // a dry run's placeholder: there is nothing to close
        }
        libc.close(fd);
    }

    /** mount(2); throws naming the mount when it fails. */
    public void mount(String source, String target, String fsType, String data) {
        if (libc.mount(source, target, fsType, 0, data) != 0) {
            int errno = libc.errno();
            throw new BpfException("mount -t " + fsType + " " + source + " " + target, errno, null, null);
        }
    }

    /** open(2) of a file or folder gewyvern was given (a cgroup, a network namespace), O_RDONLY|O_CLOEXEC. */
    public Fd open(String path, String what) {
        int fd = libc.open(path, 0x80000 | (java.nio.file.Files.isDirectory(java.nio.file.Path.of(path)) ? 0x10000 : 0));
        if (fd < 0) {
            int errno = libc.errno();
            throw new BpfException("open " + path, errno, errno == Errno.ENOENT ? "no such " + what : null, null);
        }
        return new Fd(fd, what);
    }

    private static final int O_NONBLOCK = 0x800;
    private static final int O_NOFOLLOW = 0x20000;
    private static final int O_CLOEXEC = 0x80000;

    /**
     * Runs {@code body} with the process's umask set to {@code mask}, then puts the old one back: for a file
     * whose mode must be right the moment it exists (a socket bind(2) creates, which has no mode argument).
     * The umask is the process's: another thread creating a file meanwhile gets the stricter mask too.
     */
    public synchronized <T> T withUmask(int mask, java.util.function.Supplier<T> body) {
        int old = libc.umask(mask);
        try {
            return body.get();
        } finally {
            libc.umask(old);
        }
    }

    /**
     * The bytes of a regular file someone named (an object, a BTF file), read as untrusted input: opened
     * O_RDONLY|O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC, so a symbolic link in the last component is refused (ELOOP)
     * and a FIFO or a device never blocks the open; then refused unless the opened file is a regular file,
     * and refused when it holds more than {@code max} bytes (EFBIG) without reading more than max + 1.
     */
    public byte[] readRegularFile(String path, int max) {
        int fd = libc.open(path, O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            int errno = libc.errno();
            throw new BpfException("open " + path, errno, errno == Errno.ELOOP ? "it is a symbolic link, which is "
                    + "not followed: name the file itself" : null, null);
        }
        try (Fd file = new Fd(fd, "file")) {
            java.nio.file.attribute.BasicFileAttributes a;
            try {
                // the opened file itself, whatever the path names now
                a = java.nio.file.Files.readAttributes(java.nio.file.Path.of("/proc/self/fd/" + fd),
                        java.nio.file.attribute.BasicFileAttributes.class);
            } catch (java.io.IOException e) {
                throw new BpfException("fstat " + path, Errno.EIO, String.valueOf(e.getMessage()), null);
            }
            if (!a.isRegularFile()) {
                throw new BpfException("open " + path, Errno.EINVAL, "it is not a regular file ("
                        + (a.isDirectory() ? "a folder" : "a device, FIFO or socket") + ")", null);
            }
            byte[] bytes = readAll(file, max + 1);
            if (bytes.length > max) {
                throw new BpfException("read " + path, Errno.EFBIG, "it is larger than " + max + " bytes", null);
            }
            return bytes;
        }
    }

    /** Everything read(2) gives from {@code fd} until end of file (an iterator's output). */
    public byte[] readAll(Fd fd, int max) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (NativeMemory buf = NativeMemory.allocate(4096)) {
            while (out.size() < max) {
                long n = libc.read(fd.value(), buf.address(), 4096);
                if (n < 0) {
                    int errno = libc.errno();
                    if (errno == Errno.EINTR || errno == Errno.EAGAIN) {
                        continue;
                    }
                    throw new BpfException("read of " + fd, errno, null, null);
                }
                if (n == 0) {
                    break;
                }
                out.write(buf.bytes(), 0, (int) n);
            }
        }
        return out.toByteArray();
    }

    /**
     * Runs {@code body} on a fresh thread that has joined the network namespace {@code netns} (a file such as
     * /run/netns/NAME), so interface indexes resolve there; this process's other threads stay where they are.
     */
    public <T> T inNetns(String netns, java.util.function.Supplier<T> body) {
        java.util.concurrent.atomic.AtomicReference<Object> result = new java.util.concurrent.atomic.AtomicReference<>();
        // a dry run's calls from inside the namespace are recorded like the rest, never made
        DryRun dry = DryRun.active();
        Thread t = new Thread(() -> DryRun.within(dry, () -> {
            try (Fd ns = open(netns, "network namespace")) {
                if (libc.setns(ns.value(), 0x40000000) != 0) {
                    throw new BpfException("setns " + netns, libc.errno(), null, null);
                }
                result.set(body.get());
            } catch (RuntimeException e) {
                result.set(e);
            }
        }), "gew-netns");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while working in " + netns, e);
        }
        Object r = result.get();
        if (r instanceof RuntimeException e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        T value = (T) r;
        return value;
    }

    /** The index of network interface {@code name} in the calling thread's network namespace, or 0. */
    public int ifindex(String name) {
        return libc.ifNameToIndex(name);
    }

    private static final int RLIMIT_MEMLOCK = 8;

    /** RLIMIT_MEMLOCK as {soft, hard} (-1 is unlimited). */
    public long[] memlockLimit() {
        try (NativeMemory p = NativeMemory.allocate(16)) {
            if (libc.getrlimit(RLIMIT_MEMLOCK, p.address()) != 0) {
                throw new BpfException("getrlimit(RLIMIT_MEMLOCK)", libc.errno(), null, null);
            }
            return new long[] {p.getLong(0), p.getLong(8)};
        }
    }

    /** Sets RLIMIT_MEMLOCK's soft and hard limits. */
    public void setMemlockLimit(long soft, long hard) {
        try (NativeMemory p = NativeMemory.allocate(16)) {
            p.putLong(0, soft);
            p.putLong(8, hard);
            if (libc.setrlimit(RLIMIT_MEMLOCK, p.address()) != 0) {
                throw new BpfException("setrlimit(RLIMIT_MEMLOCK)", libc.errno(),
                        "this kernel charges BPF memory to RLIMIT_MEMLOCK and it could not be raised", null);
            }
        }
    }

    /** statfs(2)'s f_type of {@code path}, or -1 when the path does not exist. */
    public long filesystemType(String path) {
        try (NativeMemory buf = NativeMemory.allocate(120)) {
            if (libc.statfs(path, buf.address()) != 0) {
                return -1;
            }
            return buf.getLong(0);
        }
    }
}
