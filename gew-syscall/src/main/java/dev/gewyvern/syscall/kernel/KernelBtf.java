package dev.gewyvern.syscall.kernel;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.Kernel;
import dev.gewyvern.syscall.KernelBtfFiles;

/**
 * The running kernel's BTF, indexed once and shared by everything an instance (this process) does:
 * vmlinux on first use, each module's split BTF over it on first use. Indexing is lazy
 * ({@link Btf#index}): types are decoded, and checked, when they are asked for; where vmlinux's records
 * start is found by a walk once per boot and kept ({@link VmlinuxOffsets}).
 *
 * <p>The bytes are mapped (zero copy, no heap) when this process has already bound the native layer
 * (every session does, for bpf(2)) and the kernel allows it; otherwise they are read into the heap,
 * because binding jnr-ffi only to map one file costs a fresh process some 300 ms while reading costs
 * about 20 ms cold and 2 ms warm (gew-bench measures both). {@link #source} says which was used.
 * Thread-safe.
 */
public final class KernelBtf {
    /** How the bytes were obtained. */
    public enum Source { MMAP, READ }

    private static final KernelBtf SHARED = new KernelBtf();

    private Btf vmlinux;
    private Source source;
    private boolean mapRefused;
    private final Map<String, Btf> modules = new HashMap<>();
    /** Where vmlinux's record offsets are kept for the rest of the boot ({@link VmlinuxOffsets}). */
    private final java.nio.file.Path offsetsCache;

    /** Tests make their own to see the choice of source; everything else uses {@link #shared}. */
    KernelBtf() {
        this(VmlinuxOffsets.DEFAULT);
    }

    KernelBtf(java.nio.file.Path offsetsCache) {
        this.offsetsCache = offsetsCache;
    }

    /** The one instance of this process. */
    public static KernelBtf shared() {
        return SHARED;
    }

    public synchronized Btf vmlinux() {
        if (vmlinux == null) {
            ByteBuffer bytes = load(KernelBtfFiles.VMLINUX);
            // where each record starts, as an earlier command of this boot found it, else by a walk (and kept)
            String key = VmlinuxOffsets.key(KernelBtfFiles.path(KernelBtfFiles.VMLINUX));
            int[] kept = VmlinuxOffsets.read(offsetsCache, key);
            if (kept != null) {
                try {
                    vmlinux = Btf.index(bytes, null, kept);
                } catch (dev.gewyvern.btf.BtfException e) {
                    kept = null; // not this file's offsets after all: walk
                }
            }
            if (kept == null) {
                vmlinux = Btf.index(bytes, null);
                VmlinuxOffsets.write(offsetsCache, key, vmlinux.recordOffsets());
            }
        }
        return vmlinux;
    }

    /** A module's BTF, split over vmlinux (type ids and strings continue vmlinux's). */
    public synchronized Btf module(String name) {
        Btf m = modules.get(name);
        if (m == null) {
            Btf base = vmlinux();
            m = Btf.index(load(name), base);
            modules.put(name, m);
        }
        return m;
    }

    /** The modules with BTF of their own. */
    public List<String> modules() {
        return KernelBtfFiles.modules();
    }

    /** How vmlinux's bytes were obtained (null before the first {@link #vmlinux}). */
    public synchronized Source source() {
        return source;
    }

    private ByteBuffer load(String name) {
        var path = KernelBtfFiles.path(name);
        boolean vm = name.equals(KernelBtfFiles.VMLINUX);
        if (!mapRefused && Kernel.loaded()) {
            try {
                ByteBuffer b = KernelBtfFiles.map(path).bytes(); // never closed: it lives as long as the process
                if (vm) {
                    source = Source.MMAP;
                }
                return b;
            } catch (BpfException e) {
                // a kernel before 6.16 refuses to map sysfs BTF (EINVAL/ENODEV); a missing file is an error
                if (e.errno() == Errno.ENOENT) {
                    throw e;
                }
                mapRefused = true;
            }
        }
        if (vm) {
            source = Source.READ;
        }
        return KernelBtfFiles.read(path);
    }
}
