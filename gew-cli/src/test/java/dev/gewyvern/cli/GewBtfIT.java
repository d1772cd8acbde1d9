package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code gew btf dump} through the launcher: bpftool's output where bpftool has one, clear one-line errors. */
class GewBtfIT {
    private static String bpftool(String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("bpftool"));
        cmd.addAll(java.util.List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (java.io.IOException e) {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail("CI=true but bpftool cannot be run: " + e.getMessage());
            }
            Assumptions.abort("bpftool is not installed");
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        return out;
    }

    @Test
    void kernelRawDumpIsBpftools() throws Exception {
        if (!Files.exists(Path.of("/sys/kernel/btf/vmlinux"))) {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail("CI=true but /sys/kernel/btf/vmlinux is missing");
            }
            Assumptions.abort("no /sys/kernel/btf/vmlinux");
        }
        Gew.Result r = Gew.run("btf", "dump", "--kernel");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().isEmpty(), r.err());
        assertTrue(r.out().equals(bpftool("btf", "dump", "file", "/sys/kernel/btf/vmlinux")),
                "gew btf dump --kernel differs from bpftool btf dump file /sys/kernel/btf/vmlinux");
    }

    @Test
    void objectRawAndC() throws Exception {
        Gew.Result raw = Gew.run("btf", "dump", "testdata/obj/btfkinds.bpfeb.o");
        assertEquals(0, raw.exit(), raw.err());
        assertEquals(bpftool("btf", "dump", "file", Gew.repo().resolve("testdata/obj/btfkinds.bpfeb.o").toString()), raw.out());
        Gew.Result c = Gew.run("btf", "dump", "testdata/obj/btfkinds.bpf.o", "--format", "c");
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().startsWith("#ifndef __GEW_BTF_H__\n"), c.out());
        assertTrue(c.out().contains("struct bits {\n\tunsigned int a: 3;\n"), c.out());
    }

    @Test
    void mistakesAreOneLineAndExitWithTheirCode() throws Exception {
        String[][] cases = {
            {"2", "btf", "dump"},
            {"4", "btf", "dump", "testdata/obj/no-such.o"},
            {"2", "btf", "dump", "pom.xml"},
            {"2", "btf", "dump", "--kernel", "../../etc"},
            {"4", "btf", "dump", "--kernel", "gwb_no_such_module"},
            {"2", "btf", "dump", "pom.xml", "--kernel"},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            Gew.Result r = Gew.run(args);
            assertEquals(Integer.parseInt(c[0]), r.exit(), String.join(" ", args) + ": " + r);
            assertTrue(r.err().startsWith("gew: ") && r.err().strip().lines().count() == 1,
                    String.join(" ", args) + ": " + r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            assertTrue(r.out().isEmpty(), r.out());
        }
    }
}
