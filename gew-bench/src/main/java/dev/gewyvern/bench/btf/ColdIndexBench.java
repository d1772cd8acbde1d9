package dev.gewyvern.bench.btf;

import java.util.concurrent.TimeUnit;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.syscall.kernel.KernelBtf;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cold: the first {@code KernelBtf.shared().vmlinux()} of a fresh JVM started with the flags the gew
 * launcher uses (C1 only, serial GC), classes of gew-btf and gew-syscall not yet loaded. One shot per
 * fork, 20 forks.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 20, jvmArgsAppend = {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"})
public class ColdIndexBench {
    @Benchmark
    public int firstVmlinuxOfAProcess() {
        Btf btf = KernelBtf.shared().vmlinux();
        return btf.typeCount();
    }
}
