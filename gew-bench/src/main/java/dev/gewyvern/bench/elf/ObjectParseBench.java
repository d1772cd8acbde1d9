package dev.gewyvern.bench.elf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.gewyvern.elf.BpfObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What reading an object costs: BpfObject.parse (ELF, BTF, .BTF.ext, maps, global data, externs,
 * linking every program) of testdata objects: execcount (2 programs), globals (2 programs with
 * subprograms, 4 data sections), maps (map of maps, program array), sections (54 programs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ObjectParseBench {
    @Param({"execcount", "globals", "maps", "sections"})
    public String object;

    private byte[] bytes;

    @Setup
    public void read() throws IOException {
        Path obj = Path.of(System.getProperty("gew.repo", ".."), "testdata", "obj");
        bytes = Files.readAllBytes(obj.resolve(object + ".bpf.o"));
    }

    @Benchmark
    public BpfObject parse() {
        return BpfObject.parse(bytes);
    }
}
