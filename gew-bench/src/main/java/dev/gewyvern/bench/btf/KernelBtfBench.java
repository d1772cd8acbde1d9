package dev.gewyvern.bench.btf;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfCursor;
import dev.gewyvern.btf.BtfType;
import dev.gewyvern.syscall.KernelBtfFiles;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The running kernel's vmlinux BTF, warm: getting the bytes (read(2) into the heap, or
 * mmap(MAP_PRIVATE)) and indexing them, then walking every type, member and name two ways: in place
 * through a {@link BtfCursor} (what libbpf's walk does), and decoding every type into a
 * {@link BtfType} record (names as Strings). The C peer (btf_peer.c) times libbpf on the same file.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC"})
@State(Scope.Benchmark)
public class KernelBtfBench {
    static final Path VMLINUX = KernelBtfFiles.path(KernelBtfFiles.VMLINUX);

    private ByteBuffer bytes;
    private Btf indexed;

    @Setup
    public void setup() {
        bytes = KernelBtfFiles.read(VMLINUX);
        indexed = Btf.index(bytes, null);
    }

    @Benchmark
    public int readAndIndex() {
        return Btf.index(KernelBtfFiles.read(VMLINUX), null).typeCount();
    }

    @Benchmark
    public int mmapAndIndex() {
        try (KernelBtfFiles.Mapping m = KernelBtfFiles.map(VMLINUX)) {
            return Btf.index(m.bytes(), null).typeCount();
        }
    }

    @Benchmark
    public int readOnly() {
        return KernelBtfFiles.read(VMLINUX).remaining();
    }

    @Benchmark
    public int indexOnly() {
        return Btf.index(bytes, null).typeCount();
    }

    /** Every type's kind and name, every member's, parameter's and enumerator's name and type: in place. */
    @Benchmark
    public long cursorWalk() {
        return walk(indexed);
    }

    static long walk(Btf btf) {
        BtfCursor c = btf.cursor();
        long sum = 0;
        for (int id = 1; id < btf.typeCount(); id++) {
            c.at(id);
            sum += c.kindNumber();
            if (!c.nameIs("")) {
                sum++;
            }
            switch (c.kindNumber()) {
                case 4: case 5: case 6: case 13: case 19:
                    for (int i = 0; i < c.vlen(); i++) {
                        sum += c.entryNameOffset(i) + c.entryType(i);
                    }
                    break;
                default:
                    sum += c.sizeOrType();
            }
        }
        return sum;
    }

    /** Every type decoded into its record, names and all (an object graph built and dropped). */
    @Benchmark
    public long decodeWalk() {
        long sum = 0;
        for (int id = 1; id < indexed.typeCount(); id++) {
            BtfType t = indexed.type(id);
            sum += t.name().length();
        }
        return sum;
    }

    /** Map, index and walk: the way a session (which has bound jnr-ffi already) gets vmlinux. */
    @Benchmark
    public long mmapIndexAndWalk() {
        try (KernelBtfFiles.Mapping m = KernelBtfFiles.map(VMLINUX)) {
            return walk(Btf.index(m.bytes(), null));
        }
    }

    /** Index and walk in one: what btf__parse plus the C peer's walk do. */
    @Benchmark
    public long readIndexAndWalk() {
        return walk(Btf.index(KernelBtfFiles.read(VMLINUX), null));
    }
}
