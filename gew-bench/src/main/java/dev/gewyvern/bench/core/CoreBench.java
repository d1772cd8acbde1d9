package dev.gewyvern.bench.core;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.btf.BtfType;
import dev.gewyvern.btf.BtfWriter;
import dev.gewyvern.btf.CoreCandidates;
import dev.gewyvern.btf.CoreReloKind;
import dev.gewyvern.btf.CoreResolver;
import dev.gewyvern.syscall.kernel.KernelBtf;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * CO-RE against the running kernel's BTF: an object with 50 field relocations (a local task_struct
 * with 50 of the kernel's task_struct members, each at offset 0 as a CO-RE struct declares them)
 * resolved with the instance's candidate cache warm, and with it built first (the first object an
 * instance loads pays for the one scan of vmlinux).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CoreBench {
    private static final int RELOCATIONS = 50;
    private Btf vmlinux;
    private Btf local;
    private CoreCandidates warm;

    @Setup
    public void setUp() {
        vmlinux = KernelBtf.shared().vmlinux();
        BtfType.Struct ts = (BtfType.Struct) vmlinux.type(vmlinux.find(BtfKind.STRUCT, "task_struct"));
        List<BtfType.Member> members = new ArrayList<>();
        for (BtfType.Member m : ts.members()) {
            if (!m.name().isEmpty() && m.bitfieldSize() == 0 && vmlinux.type(vmlinux.resolve(m.type()))
                    instanceof BtfType.Int && members.size() < RELOCATIONS) {
                members.add(new BtfType.Member(m.name(), 1, 0, 0));
            }
        }
        if (members.size() < RELOCATIONS) {
            throw new IllegalStateException("task_struct has only " + members.size() + " int members");
        }
        local = Btf.parse(BtfWriter.write(List.of(new BtfType.Int("long", 8, 1, 0, 64),
                new BtfType.Struct("task_struct", 8, false, false, members)), ByteOrder.nativeOrder()));
        warm = CoreCandidates.of("vmlinux", vmlinux);
        resolveAll(warm);
    }

    private long resolveAll(CoreCandidates c) {
        CoreResolver r = new CoreResolver(local, c);
        long sum = 0;
        for (int i = 0; i < RELOCATIONS; i++) {
            sum += r.resolve(2, "0:" + i, CoreReloKind.FIELD_BYTE_OFFSET).targetValue();
        }
        return sum;
    }

    @Benchmark
    public long fiftyRelocationsWarmCache() {
        return resolveAll(warm);
    }

    @Benchmark
    public long fiftyRelocationsIndexingVmlinuxFirst() {
        return resolveAll(CoreCandidates.of("vmlinux", vmlinux));
    }
}
