package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.google.gson.JsonObject;
import dev.gewyvern.elf.BpfMap;
import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.elf.BpfProgram;
import dev.gewyvern.elf.ProgramSection;
import dev.gewyvern.elf.uapi.AttachType;
import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.syscall.kernel.KernelTypes;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestReporter;

/**
 * {@code gew session apply --object OBJ --load-only} of every little-endian testdata object, as a user runs
 * it, next to {@code bpftool prog loadall OBJ} on the same kernel, with gew's own capability report
 * ({@code gew runtime info --verbose -o json}) as the referee:
 * <ul>
 * <li>an object that needs something the report calls not supported is refused before any kernel call
 *     (phase compatibility, no session created), naming a requirement with the report's own reason and
 *     detail. What a load needs is read from the object: each program's type, each map's type, and for the
 *     kinds whose capability is itself measured by a load (fentry, fexit, fmod_ret, lsm, iter, tp_btf,
 *     freplace) that attach kind;</li>
 * <li>a refusal names only what the report calls not supported, with the same reason;</li>
 * <li>otherwise every object bpftool loads, gew loads: every program verified, the session detached.
 *     Objects bpftool 7.1 cannot load (sections newer than its libbpf, legacy maps, CO-RE against
 *     another BTF, programs that need a target) are loaded or refused as gew decides, with one clear line,
 *     and the outcome is published for the per-kernel table of kernels/ci.</li>
 * </ul>
 */
class LoadOnlyAgainstBpftoolIT {
    /** Attach kinds whose capability probe is a program load with that expected attach type. */
    private static final Map<String, String> LOADED_KINDS = Map.of(
            "BPF_TRACE_FENTRY", "fentry", "BPF_TRACE_FEXIT", "fexit", "BPF_MODIFY_RETURN", "fmod_ret",
            "BPF_LSM_MAC", "lsm", "BPF_TRACE_ITER", "iter", "BPF_TRACE_RAW_TP", "tp_btf");
    private static final Pattern REFUSAL = Pattern.compile("gew: compatibility: (program type|map type|attach kind|"
            + "attach type|fmod_ret target|helper|feature) (\\S+) \\(needed by [^)]*\\) is not supported here: "
            + "([a-z ]+) \\((.*)\\); "
            + "`gew runtime info --verbose` lists what this kernel allows\n");

    static List<Path> objects() throws IOException {
        try (Stream<Path> s = Files.list(Gew.repo().resolve("testdata/obj"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".bpf.o")).sorted().toList();
        }
    }

    @TestFactory
    List<DynamicTest> everyObjectIsLoadedAsTheReportAndBpftoolSay(TestReporter reporter) throws Exception {
        Gew.requireBpf();
        Map<String, JsonObject> report = RuntimeReport.capabilities();
        List<DynamicTest> tests = new ArrayList<>();
        for (Path obj : objects()) {
            tests.add(DynamicTest.dynamicTest(obj.getFileName().toString(), () -> check(obj, report, reporter)));
        }
        assertTrue(tests.size() >= 15, "testdata objects: " + tests.size());
        return tests;
    }

    /** What loading every program of the object needs from the kernel, as report keys ("program_type xdp"). */
    static Map<String, String> needs(BpfObject o) {
        Map<String, String> out = new LinkedHashMap<>();
        for (BpfProgram p : o.programs()) {
            if (p.section().isEmpty()) {
                continue;
            }
            ProgramSection kind = p.section().get().kind();
            String type = kind.progType().text();
            String attach = kind.attachType().map(AttachType::constant).orElse("");
            if (type.equals("ext")) {
                out.putIfAbsent("attach_kind freplace", p.name());
            } else if (type.equals("tracing")) {
                // a tracing program's support depends on its attach type: the report has it per kind
                if (LOADED_KINDS.containsKey(attach)) {
                    out.putIfAbsent("attach_kind " + loadedKind(attach, p.section().get().target()), p.name());
                }
            } else {
                out.putIfAbsent("program_type " + type, p.name());
                if (LOADED_KINDS.containsKey(attach)) {
                    out.putIfAbsent("attach_kind " + LOADED_KINDS.get(attach), p.name());
                }
            }
        }
        for (BpfMap m : o.maps()) {
            String type = KernelTypes.text(MapType.class, Integer.toUnsignedLong(m.type()));
            out.putIfAbsent("map_type " + type, m.name());
        }
        return out;
    }

    /** fmod_ret on a security_* hook is its own kind (LSM hooks are modifiable where error injection is off). */
    private static String loadedKind(String attach, String target) {
        String kind = LOADED_KINDS.get(attach);
        return kind.equals("fmod_ret") && target != null && target.startsWith("security_") ? "fmod_ret.security" : kind;
    }

    private static void check(Path obj, Map<String, JsonObject> report, TestReporter reporter) throws Exception {
        String file = obj.getFileName().toString();
        BpfObject parsed = BpfObject.parse(Files.readAllBytes(obj));
        List<String> unsupported = new ArrayList<>();
        for (String need : needs(parsed).keySet()) {
            JsonObject c = report.get(need);
            if (c == null || c.get("state").getAsString().equals("not supported")) {
                unsupported.add(need);
            }
        }
        boolean bpftool = bpftoolLoads(obj);
        Gew.Result r = Gew.run("session", "apply", "--object", obj.toString(), "--load-only", "--allow-risky",
                "--run", "true");
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
        Matcher m = REFUSAL.matcher(r.err());
        if (!unsupported.isEmpty() || r.err().startsWith("gew: compatibility: ")) {
            assertEquals(3, r.exit(), file + " needs " + unsupported + ", which the report calls not supported "
                    + "(exit 3: refused before any kernel call): " + r);
            assertTrue(m.matches(), "a refusal in one line naming the requirement: " + r);
            assertFalse(r.out().contains("create   session"), "refused before any kernel call: " + r);
            if (kernelRefusal(m)) {
                published(reporter, file, "refused before the kernel: " + m.group(1) + " " + m.group(2) + " "
                        + m.group(3) + " (bpftool: " + (bpftool ? "loaded" : "failed") + ")");
                return;
            }
            String key = m.group(1).replace(' ', '_') + " " + m.group(2);
            JsonObject c = report.get(key);
            assertNotNull(c, key + " is not in the report: " + r);
            assertEquals("not supported", c.get("state").getAsString(), key + " in the report: " + c);
            assertEquals(c.get("reason").getAsString(), m.group(3), "the report's reason for " + key);
            assertEquals(c.get("detail").getAsString(), m.group(4), "the report's detail for " + key);
            published(reporter, file, "refused before the kernel: " + m.group(1) + " " + m.group(2) + " "
                    + m.group(3) + " (bpftool: " + (bpftool ? "loaded" : "failed") + ")");
            return;
        }
        if (bpftool) {
            assertEquals(0, r.exit(), "bpftool loads " + file + ", gew must too: " + r);
        }
        if (r.exit() == 0) {
            long verified = r.out().lines().filter(l -> l.startsWith("verify   program ")).count();
            // a program gew leaves out (it uses a map that cannot be made) is named on stderr, one line each
            long leftOut = r.err().lines().filter(l -> l.startsWith("gew: leaving out program ")).count();
            assertEquals(parsed.programs().size(), verified + leftOut,
                    "every program verified or left out by name: " + r);
            assertTrue(r.out().contains("after `true` exited with status 0"), r.toString());
            published(reporter, file, "loaded " + verified + " programs (bpftool: " + (bpftool ? "loaded" : "failed")
                    + ")");
        } else {
            assertTrue(r.err().startsWith("gew: ") && r.err().lines().findFirst().isPresent(), r.toString());
            published(reporter, file, "refused by the kernel: " + r.err().lines().findFirst().orElseThrow()
                    + " (bpftool: failed too)");
        }
    }

    /**
     * A refusal the kernel itself backs rather than a probe of the report: an expected attach type its enum
     * bpf_attach_type lacks, or an fmod_ret target not on its error-injection list. Checked here against the
     * kernel's BTF and the list; false for the report's own kinds.
     */
    private static boolean kernelRefusal(Matcher m) throws IOException {
        String what = m.group(1);
        String detail = m.group(4);
        if (what.equals("attach type")) {
            Matcher c = Pattern.compile("no (BPF_\\w+) in this kernel's enum bpf_attach_type").matcher(detail);
            assertTrue(c.matches(), "an absent attach type names its constant: " + detail);
            assertEquals("absent", m.group(3), detail);
            assertTrue(KernelTypes.running().attachType(c.group(1)) < 0, c.group(1) + " is in this kernel's BTF");
            return true;
        }
        if (what.equals("map type") && m.group(3).equals("absent")) {
            Matcher c = Pattern.compile("this kernel's enum bpf_map_type has no value (\\d+), BPF_MAP_TYPE_\\w+")
                    .matcher(detail);
            assertTrue(c.matches(), "an absent map type names its number: " + detail);
            assertFalse(KernelTypes.running().mapTypes().containsValue(Integer.parseInt(c.group(1))),
                    "map type " + c.group(1) + " is in this kernel's BTF");
            return true;
        }
        if (what.equals("fmod_ret target")) {
            Matcher c = Pattern.compile(Pattern.quote(m.group(2)) + " is not on this kernel's error-injection list, "
                    + "(\\S+); .*").matcher(detail);
            assertTrue(c.matches(), "an fmod_ret target names the list: " + detail);
            Path list = Path.of(c.group(1));
            boolean listed = Files.isReadable(list) && Files.readAllLines(list).stream()
                    .anyMatch(l -> l.split("\\s+")[0].equals(m.group(2)));
            assertFalse(listed, m.group(2) + " is on " + list);
            return true;
        }
        return false;
    }

    private static void published(TestReporter reporter, String file, String outcome) {
        reporter.publishEntry("load-only " + file, outcome);
    }

    /** {@code bpftool prog loadall} into a folder of this test's own, removed afterwards. */
    private static boolean bpftoolLoads(Path obj) throws Exception {
        Path dir = Path.of("/sys/fs/bpf", "gwl-" + ProcessHandle.current().pid() + "-"
                + obj.getFileName().toString().replace('.', '_'));
        try {
            Process p = new ProcessBuilder("bpftool", "prog", "loadall", obj.toString(), dir.toString())
                    .redirectErrorStream(true).start();
            new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0;
        } finally {
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> s = Files.walk(dir)) {
                    for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(f);
                    }
                }
            }
        }
    }
}
