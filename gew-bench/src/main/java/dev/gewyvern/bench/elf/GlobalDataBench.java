package dev.gewyvern.bench.elf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.elf.ProgramSection;
import dev.gewyvern.elf.VariableValue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The per-load costs after parsing: the section table lookup and setting .rodata values by name. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GlobalDataBench {
    private BpfObject globals;

    @Setup
    public void read() throws IOException {
        Path obj = Path.of(System.getProperty("gew.repo", ".."), "testdata", "obj", "globals.bpf.o");
        globals = BpfObject.parse(Files.readAllBytes(obj));
    }

    /** netfilter is the table's last row: the worst case of the first-match scan. */
    @Benchmark
    public Object matchLastSectionOfTheTable() {
        return ProgramSection.match("netfilter");
    }

    @Benchmark
    public Object setThreeRodataValuesByName() {
        return globals.globalDataValues(Map.of("tag", new VariableValue.Text("demo"),
                "bias", new VariableValue.Integer(-1), "target_pid", new VariableValue.Integer(4242)));
    }
}
