package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The benchmark scripts under bench/ stay valid bash. They are not run here: benchmarks print figures and
 * live apart from the tests (nothing timed is asserted anywhere); {@code bash -n} only parses them.
 */
class BenchScriptsTest {
    @Test
    void everyBenchScriptParses() throws Exception {
        List<Path> scripts;
        try (Stream<Path> s = Files.list(Gew.repo().resolve("bench"))) {
            scripts = s.filter(p -> p.toString().endsWith(".sh")).sorted().toList();
        }
        assertFalse(scripts.isEmpty(), "no scripts under " + Gew.repo().resolve("bench"));
        for (Path script : scripts) {
            Process p = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            assertEquals(0, p.exitValue(), script + " does not parse:\n" + out);
        }
    }
}
