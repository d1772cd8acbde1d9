package dev.gewyvern.bench.btf;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.syscall.KernelBtfFiles;

/**
 * Retained heap of an indexed vmlinux: used heap after full GCs with {@value #COPIES} indexes held,
 * minus before, divided by {@value #COPIES} (run with -XX:+UseSerialGC, whose full GC compacts).
 * Prints one line per way of getting the bytes.
 */
public final class IndexHeap {
    static final int COPIES = 8;

    private IndexHeap() {
    }

    private static long used(MemoryMXBean mx) {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return mx.getHeapMemoryUsage().getUsed();
    }

    public static void main(String[] args) {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        var path = KernelBtfFiles.path(KernelBtfFiles.VMLINUX);
        Btf.index(KernelBtfFiles.read(path), null); // load the classes first
        KernelBtfFiles.map(path).close();
        List<Object> held = new ArrayList<>();
        long before = used(mx);
        for (int i = 0; i < COPIES; i++) {
            held.add(Btf.index(KernelBtfFiles.read(path), null));
        }
        long withRead = used(mx);
        for (int i = 0; i < COPIES; i++) {
            KernelBtfFiles.Mapping m = KernelBtfFiles.map(path);
            held.add(m);
            held.add(Btf.index(m.bytes(), null));
        }
        long withMapped = used(mx);
        System.out.printf("index heap, read(2): %.2f MiB (%d types)%n", (withRead - before) / 1048576.0 / COPIES,
                ((Btf) held.get(0)).typeCount());
        System.out.printf("index heap, mmap:    %.2f MiB%n", (withMapped - withRead) / 1048576.0 / COPIES);
        for (Object o : held) {
            if (o instanceof KernelBtfFiles.Mapping m) {
                m.close();
            }
        }
    }
}
