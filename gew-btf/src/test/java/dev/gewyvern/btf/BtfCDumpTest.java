package dev.gewyvern.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The C dump is a header clang accepts without a warning, and clang lays every named struct and
 * union out at the size and member offsets BTF records (checked by _Static_assert lines appended to
 * the dump). Our objects, and the running kernel's vmlinux when it has one (read as a file here:
 * gew-btf itself never touches the file system).
 */
class BtfCDumpTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"btfkinds.bpf.o:bpf", "btfkinds.bpfeb.o:bpfeb"})
    void objectsDumpToCompilableExactLayouts(String objectAndTarget) throws Exception {
        String[] ot = objectAndTarget.split(":");
        Btf btf = Btf.parse(TestBtf.btf(ot[0]));
        String header = BtfCDump.dump(btf, "__GEW_TEST_H__");
        clang(header + layoutAsserts(btf), ot[1]);
    }

    @Test
    void btfkindsLooksLikeC() {
        String header = BtfCDump.dump(Btf.parse(TestBtf.btf("btfkinds.bpf.o")), "G");
        assertTrue(header.contains("\tunsigned int a: 3;\n\tint b: 5;\n\tunsigned long long c: 41;\n"), header);
        assertTrue(header.contains("\tint (*callback)(const volatile struct bits *, long);\n"), header);
        assertTrue(header.contains("\tchar *restrict scratch;\n"), header);
        assertTrue(header.contains("enum wide64 {\n\tWIDE_LOW = 1ULL,\n\tWIDE_HIGH = 18364758544493064720ULL,\n};"), header);
        assertTrue(header.contains("\tNEG_ONE = -1,\n"), header);
        assertTrue(header.indexOf("union opaque;") < header.indexOf("struct bits {"), header);
        assertTrue(header.contains("\tunion {\n\t\t__u16 half;\n\t\t__u8 bytes[2];\n\t};\n"), header);
    }

    /**
     * An enum BTF records without enumerators (6.1's vmlinux has two: a type only declared where it was
     * used) is a forward declaration when named, as bpftool writes it, and merges with a definition of
     * the same name; an anonymous one is the unsigned integer of its size. clang refuses "enum X {}".
     */
    @Test
    void emptyEnumsAreForwardDeclarations() throws Exception {
        List<BtfType> types = List.of(
                new BtfType.Int("int", 4, BtfType.Int.SIGNED, 0, 32),                        // 1
                new BtfType.Enum("stage", 4, false, false, List.of()),                      // 2
                new BtfType.Enum("", 2, false, false, List.of()),                           // 3
                new BtfType.FuncProto(1, List.of(new BtfType.Param("", 2))),                // 4
                new BtfType.Ptr(4),                                                         // 5
                new BtfType.Struct("ops", 16, false, false, List.of(new BtfType.Member("check", 5, 0, 0),
                        new BtfType.Member("mode", 3, 64, 0), new BtfType.Member("after", 1, 96, 0))), // 6
                new BtfType.Enum("stage", 4, false, false, List.of(new BtfType.EnumValue("STAGE_A", 1))), // 7
                new BtfType.Enum("lonely", 4, false, false, List.of()));                    // 8
        Btf btf = Btf.parse(BtfWriter.write(types, java.nio.ByteOrder.LITTLE_ENDIAN));
        String header = BtfCDump.dump(btf, "G");
        assertTrue(header.contains("enum stage;\n"), header);
        assertTrue(header.contains("enum lonely;\n"), header);
        assertTrue(header.contains("\tint (*check)(enum stage);\n"), header);
        assertTrue(header.contains("\tunsigned short mode;\n"), header);
        assertTrue(header.contains("enum stage {\n\tSTAGE_A = 1,\n};"), header);
        assertTrue(!header.contains("___"), "the declaration and the definition are one enum: " + header);
        clang(header + layoutAsserts(btf), "bpf");
    }

    private static Path kernelBtf() {
        Path vmlinux = Path.of("/sys/kernel/btf/vmlinux");
        if (!Files.exists(vmlinux)) {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail("CI=true but " + vmlinux + " is missing");
            }
            Assumptions.abort(vmlinux + " is missing");
        }
        return vmlinux;
    }

    @Test
    void vmlinuxDumpsToCompilableExactLayouts() throws Exception {
        Btf btf = Btf.parse(Files.readAllBytes(kernelBtf()));
        String header = BtfCDump.dump(btf, "__VMLINUX_H__");
        clang(header, "bpf"); // as BPF programs include it
        // the layout is the kernel's: x86-64's (va_list differs on the bpf target)
        clang(header + layoutAsserts(btf), "x86_64-linux-gnu");
    }

    /**
     * Every module the running kernel has BTF for (none on a kernel without modules): its split BTF over
     * vmlinux dumps to a header clang lays out at the module's sizes and offsets, as
     * {@code bpftool btf dump file /sys/kernel/btf/MOD -B /sys/kernel/btf/vmlinux format c} would be used.
     */
    @TestFactory
    Stream<DynamicTest> moduleDumpsToCompilableExactLayouts() throws Exception {
        Path vmlinux = kernelBtf();
        Btf base = Btf.parse(Files.readAllBytes(vmlinux));
        List<Path> modules;
        try (Stream<Path> s = Files.list(vmlinux.getParent())) {
            modules = s.filter(p -> !p.equals(vmlinux)).sorted().toList();
        }
        return modules.stream().map(m -> DynamicTest.dynamicTest(m.getFileName().toString(), () -> {
            Btf split = Btf.parse(ByteBuffer.wrap(Files.readAllBytes(m)), base);
            assertEquals(base.typeCount(), split.firstTypeId(), "split BTF continues vmlinux's ids");
            clang(BtfCDump.dump(split, "__MODULE_H__") + layoutAsserts(split), "x86_64-linux-gnu");
        }));
    }

    /** _Static_assert of every named struct's and union's size and byte-aligned named members' offsets. */
    static String layoutAsserts(Btf btf) {
        Map<String, Integer> tags = new HashMap<>();
        for (int id = 1; id < btf.typeCount(); id++) {
            BtfKind k = btf.kind(id);
            if ((k == BtfKind.STRUCT || k == BtfKind.UNION || k == BtfKind.ENUM || k == BtfKind.ENUM64)
                    && !btf.name(id).isEmpty()) {
                tags.merge(btf.name(id), 1, Integer::sum);
            }
        }
        StringBuilder sb = new StringBuilder("\n");
        int checked = 0;
        for (int id = 1; id < btf.typeCount(); id++) {
            if (!(btf.type(id) instanceof BtfType.Struct s) || s.name().isEmpty() || tags.get(s.name()) != 1) {
                continue; // a colliding name is renamed ___N in the dump
            }
            String tag = (s.union() ? "union " : "struct ") + s.name();
            sb.append("_Static_assert(sizeof(").append(tag).append(") == ").append(Integer.toUnsignedString(s.size()))
                    .append(", \"size of ").append(tag).append("\");\n");
            for (BtfType.Member m : s.members()) {
                if (!m.name().isEmpty() && m.bitfieldSize() == 0 && m.bitOffset() % 8 == 0) {
                    sb.append("_Static_assert(__builtin_offsetof(").append(tag).append(", ").append(m.name())
                            .append(") == ").append(m.bitOffset() / 8).append(", \"").append(tag).append('.')
                            .append(m.name()).append("\");\n");
                }
            }
            checked++;
        }
        assertTrue(checked > 0, "no struct to check");
        return sb.toString();
    }

    private void clang(String source, String target) throws IOException, InterruptedException {
        Path file = Files.createTempFile(tmp, "dump-" + target, ".h");
        Files.writeString(file, source);
        List<String> cmd = new ArrayList<>(List.of("clang-19", "-target", target, "-fsyntax-only", "-Werror",
                "-ferror-limit=20", "-x", "c", file.toString()));
        if (!target.startsWith("bpf")) {
            cmd.add(1, "-DBPF_NO_PRESERVE_ACCESS_INDEX");
        }
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail("CI=true but clang-19 cannot be run: " + e.getMessage());
            }
            Assumptions.abort("clang-19 is not installed: " + e.getMessage());
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "clang -target " + target + " on the dump:\n" + out);
        assertEquals("", out, "clang -target " + target + " warned");
    }
}
