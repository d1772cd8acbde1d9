package dev.gewyvern.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The raw listing is bpftool's, byte for byte, for our objects in both byte orders (vmlinux: gew-syscall). */
class BtfRawDumpTest {

    @ParameterizedTest
    @ValueSource(strings = {"btfkinds.bpf.o", "btfkinds.bpfeb.o", "execcount.bpf.o", "execcount.bpfeb.o"})
    void rawDumpIsBpftools(String object) throws Exception {
        Path file = Path.of(System.getProperty("gew.repo", ".."), "testdata", "obj", object);
        assertEquals(bpftool(file), BtfRawDump.dump(Btf.parse(TestBtf.btf(object))));
    }

    private static String bpftool(Path file) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("bpftool", "btf", "dump", "file", file.toString()).start();
        } catch (IOException e) {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail("CI=true but bpftool cannot be run: " + e.getMessage());
            }
            Assumptions.abort("bpftool is not installed: " + e.getMessage());
            throw e;
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "bpftool on " + file + ": " + err);
        return out;
    }
}
