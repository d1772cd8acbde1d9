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
import java.util.Set;
import java.util.stream.Stream;

import com.google.gson.JsonObject;
import com.google.protobuf.util.JsonFormat;
import dev.gewyvern.elf.BpfMap;
import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.elf.BpfProgram;
import dev.gewyvern.elf.ProgramSection;
import dev.gewyvern.elf.uapi.AttachType;
import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.proto.v1.DryRunReport;
import dev.gewyvern.proto.v1.RequirementBasis;
import dev.gewyvern.proto.v1.RequirementEntry;
import dev.gewyvern.proto.v1.RequirementLevel;
import dev.gewyvern.syscall.kernel.ErrorInjectionList;
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
 *     (exit 3, one line, no session created), naming a requirement; which one, and why, is read by its fields
 *     from the dry run of the same command ({@code --dry-run -o json}, its DryRunReport), and must be the
 *     report's own reason and verdict, or (basis kernel) what the kernel's BTF or error-injection list says. What a load needs is read from the object: each program's type, each map's type, and for the
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
        if (!unsupported.isEmpty() || r.exit() == 3) {
            assertEquals(3, r.exit(), file + " needs " + unsupported + ", which the report calls not supported "
                    + "(exit 3: refused before any kernel call): " + r);
            assertEquals(1, r.err().lines().count(), "a refusal in one line: " + r);
            assertFalse(r.out().contains("create   session"), "refused before any kernel call: " + r);
            // what was refused, by its fields: the dry run's report of the same command (-o json)
            RequirementEntry refused = refusedRequirement(obj, r);
            String what = refused.getKind() + " " + refused.getName();
            assertTrue(r.err().startsWith("gew: compatibility: " + what + " "), "the apply names " + what + ": " + r);
            if (refused.getBasis() == RequirementBasis.REQUIREMENT_BASIS_KERNEL) {
                kernelBacksRefusal(refused);
            } else {
                String key = refused.getKind().replace(' ', '_') + " " + refused.getName();
                JsonObject c = report.get(key);
                assertNotNull(c, key + " is not in the report: " + r);
                assertEquals("not supported", c.get("state").getAsString(), key + " in the report: " + c);
                assertEquals(c.get("why").getAsString(), refused.getWhy().name(), "the report's reason for " + key);
                assertEquals(c.get("text").getAsString(), refused.getReason(), "the report's verdict for " + key);
            }
            published(reporter, file, "refused before the kernel: " + what + " " + reason(refused) + " (bpftool: "
                    + (bpftool ? "loaded" : "failed") + ")");
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
     * The requirement the apply refused, as {@code session apply --dry-run -o json} of the same object reports it
     * (its DryRunReport): the first one not supported.
     */
    private static RequirementEntry refusedRequirement(Path obj, Gew.Result apply) throws Exception {
        Gew.Result d = Gew.run("session", "apply", "--object", obj.toString(), "--load-only", "--allow-risky",
                "--dry-run", "-o", "json");
        assertEquals(3, d.exit(), "the dry run is refused as the apply was: " + d + "\napply: " + apply);
        DryRunReport.Builder b = DryRunReport.newBuilder();
        JsonFormat.parser().merge(d.out(), b);
        assertEquals(DryRunReport.Verdict.REFUSED_NOT_SUPPORTED, b.getVerdict(), d.toString());
        return b.getCompatibility().getRequirementsList().stream()
                .filter(e -> e.getLevel() == RequirementLevel.NOT_SUPPORTED).findFirst()
                .orElseThrow(() -> new AssertionError("no requirement not supported: " + d));
    }

    /** "absent", "config missing", "refused by policy": the typed reason as the CLI words it. */
    private static String reason(RequirementEntry e) {
        return e.getWhy().name().substring("NOT_SUPPORTED_REASON_".length()).toLowerCase(java.util.Locale.ROOT)
                .replace('_', ' ');
    }

    /**
     * A refusal the kernel itself backs rather than a probe of the report (basis KERNEL): an expected attach type
     * or a map type its BTF's enums lack, or an fmod_ret target not on its error-injection list. Checked here
     * against the kernel's BTF and the list.
     */
    private static void kernelBacksRefusal(RequirementEntry e) {
        assertEquals("absent", reason(e), e.toString());
        KernelTypes kernel = KernelTypes.running();
        switch (e.getKind()) {
            case "attach type" -> {
                AttachType t = AttachType.named(e.getName()).orElseThrow(() -> new AssertionError(e.toString()));
                assertTrue(kernel.attachType(t.constant()) < 0, t.constant() + " is in this kernel's BTF");
            }
            case "map type" -> {
                long number = MapType.named(e.getName()).map(MapType::value).map(Integer::toUnsignedLong)
                        .orElseGet(() -> Long.parseLong(e.getName()));
                assertFalse(kernel.mapTypes().containsValue((int) number), "map type " + number + " is in this kernel's BTF");
            }
            case "fmod_ret target" -> {
                Set<String> list = ErrorInjectionList.read()
                        .orElseThrow(() -> new AssertionError("refused without the list: " + e));
                assertFalse(list.contains(e.getName()), e.getName() + " is on " + ErrorInjectionList.path());
            }
            default -> throw new AssertionError("a kernel-backed refusal of an unknown kind: " + e);
        }
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
