package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.google.protobuf.util.JsonFormat;
import dev.gewyvern.elf.BpfMap;
import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.elf.BpfProgram;
import dev.gewyvern.elf.ProgramSection;
import dev.gewyvern.elf.XlatedListing;
import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.proto.v1.ObjectCheck;
import dev.gewyvern.proto.v1.ObjectCheckReport;
import dev.gewyvern.proto.v1.ProgramCheck;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.link.Links;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every BPF object Debian's libbpf-tools ships (extracted from its binaries, see {@link LibbpfTools}),
 * on the running kernel, held against libbpf:
 * <ul>
 * <li>whole objects: {@code bpftool prog loadall} against {@code gew session apply --object F --load-only};
 * every object bpftool loads, gewyvern loads, and each program both loaded runs the same translated
 * instructions (maps compared by their kernel names);</li>
 * <li>each program alone: a small libbpf loader (src/test/c/libbpf_load.c, built now against libbpf-dev)
 * against {@code gew object check --each} (each program in a session of its own, the Pipeline of
 * {@code --program P --attach none}); every program libbpf loads alone, gewyvern loads alone;</li>
 * <li>every tracepoint, raw_tp and tp_btf program whose section names its target: libbpf attaches it
 * alone ({@code bpf_program__attach}); gewyvern attaches it in a session of its object
 * ({@code --program P --attach FORM}), src/test/c/trigger.c makes the events (with BPF run-time statistics
 * on: BPF_ENABLE_STATS, held only while it runs), run_cnt says it fired, and once detached nothing of
 * the session is left in bpffs or the kernel.</li>
 * </ul>
 * Where gewyvern loads more than libbpf (maps sized with --map-size), the table says so. The table and
 * totals print to stdout and to target/libbpf-tools.txt.
 */
class LibbpfToolsIT {
    /** Tracepoints nothing here can make fire: no CPU frequency changes in a VM, no direct reclaim on demand. */
    private static final Set<String> UNPROVOKED = Set.of("cpu_frequency", "mm_vmscan_direct_reclaim_begin",
            "mm_vmscan_direct_reclaim_end");
    /** libbpf-tools' runtime sizes: what the tools set before load (stack maps: 127 frames of 8 bytes). */
    private static final int ENTRIES = 10240;
    private static final int STACK_VALUE = 127 * 8;

    private final Path work = Gew.repo().resolve("gew-cli/target/libbpf-tools");

    /** What happened to one object. */
    private static final class Row {
        final LibbpfTools.Embedded obj;
        final BpfObject parsed;
        boolean bpftool;
        String bpftoolWhy = "";
        boolean gew;
        String gewWhy = "";
        boolean gewWithSizes;
        List<String> sizes = List.of();
        int compared;
        final List<String> xlatedDiffer = new ArrayList<>();
        final Map<String, String> libbpfAlone = new TreeMap<>(); // program -> "" (loads) or why not
        final Map<String, ProgramCheck> gewAlone = new TreeMap<>();
        final Map<String, String> attachable = new TreeMap<>(); // program -> --attach form
        final Map<String, String> libbpfAttach = new TreeMap<>();
        final Map<String, String> gewAttach = new TreeMap<>();  // program -> "" attached, or why not
        final Map<String, Long> fired = new TreeMap<>();
        final List<String> left = new ArrayList<>();

        Row(LibbpfTools.Embedded obj, BpfObject parsed) {
            this.obj = obj;
            this.parsed = parsed;
        }
    }

    @Test
    void everyObjectLibbpfToolsShipsLoadsAsLibbpfLoadsIt() throws Exception {
        Gew.requireBpf();
        List<Path> bins;
        try {
            bins = LibbpfTools.binaries();
        } catch (IOException e) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true but libbpf-tools is not installed (.ci/run installs it): " + e.getMessage());
            }
            Assumptions.abort("libbpf-tools is not installed: " + e.getMessage());
            return;
        }
        clean(work);
        Files.createDirectories(work.resolve("objects"));
        List<LibbpfTools.Embedded> objects = LibbpfTools.extract(bins, work.resolve("objects"));
        assertTrue(objects.size() >= 40, objects.size() + " objects in " + bins.size() + " binaries");
        Path loader = cc("libbpf_load");
        Path trigger = cc("trigger");
        List<Row> rows = new ArrayList<>();
        for (LibbpfTools.Embedded o : objects) {
            rows.add(new Row(o, BpfObject.parse(Files.readAllBytes(o.file()))));
        }
        for (Row r : rows) {
            whole(r);
            libbpfAlone(loader, r);
        }
        gewAlone(rows);
        for (Row r : rows) {
            attach(loader, trigger, r);
        }
        String table = table(rows);
        System.out.println(table);
        Files.writeString(work.resolve("libbpf-tools.txt"), table);

        List<String> wrong = new ArrayList<>();
        for (Row r : rows) {
            String n = r.obj.name();
            if (r.bpftool && !r.gew) {
                wrong.add(n + ": bpftool loads it whole, gew does not: " + r.gewWhy);
            }
            r.xlatedDiffer.forEach(d -> wrong.add(n + ": translated instructions differ: " + d));
            r.libbpfAlone.forEach((p, why) -> {
                ProgramCheck g = r.gewAlone.get(p);
                if (why.isEmpty() && (g == null || !g.getLoads())) {
                    wrong.add(n + "/" + p + ": libbpf loads it alone, gew does not: " + (g == null ? "?" : g.getReason()));
                }
            });
            r.libbpfAttach.forEach((p, why) -> {
                if (why.isEmpty() && !"".equals(r.gewAttach.get(p))) {
                    wrong.add(n + "/" + p + ": libbpf attaches it, gew does not: " + r.gewAttach.get(p));
                }
            });
            r.gewAttach.forEach((p, why) -> {
                if (why.isEmpty() && r.fired.getOrDefault(p, 0L) == 0 && !UNPROVOKED.contains(target(r.attachable.get(p)))) {
                    wrong.add(n + "/" + p + ": attached to " + r.attachable.get(p) + " but never ran");
                }
            });
            r.left.forEach(l -> wrong.add(n + ": left behind: " + l));
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong) + "\n" + table);
        assertTrue(rows.stream().filter(r -> r.gew).count() >= rows.stream().filter(r -> r.bpftool).count());
    }

    // ---- whole objects: bpftool prog loadall against gew session apply --load-only ----

    private void whole(Row r) throws Exception {
        Path pins = Path.of("/sys/fs/bpf", "gwl-" + ProcessHandle.current().pid() + "-" + r.obj.name());
        clean(pins);
        Map<String, Fd> bpftoolProgs = new TreeMap<>();
        Map<Integer, String> bpftoolMaps = new TreeMap<>();
        try {
            Process p = new ProcessBuilder("bpftool", "prog", "loadall", r.obj.file().toString(), pins.toString(),
                    "pinmaps", pins.resolve("maps").toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            r.bpftool = p.waitFor() == 0;
            if (r.bpftool) {
                try (Stream<Path> s = Files.list(pins)) {
                    for (Path f : s.filter(f -> !f.getFileName().toString().equals("maps")).toList()) {
                        bpftoolProgs.put(f.getFileName().toString(), Bpf.get(f.toString(), "prog"));
                    }
                }
                kernelMapNames(pins.resolve("maps"), bpftoolMaps);
            } else {
                r.bpftoolWhy = libbpfWords(out);
            }
        } finally {
            clean(pins);
        }
        try {
            applyWhole(r, List.of(), bpftoolProgs, bpftoolMaps);
            if (!r.gew && !unsized(r.parsed).isEmpty()) {
                r.sizes = unsized(r.parsed);
                applyWhole(r, r.sizes, bpftoolProgs, bpftoolMaps);
                r.gewWithSizes = r.gew;
            }
        } finally {
            bpftoolProgs.values().forEach(Fd::close);
        }
    }

    private void applyWhole(Row r, List<String> sizes, Map<String, Fd> bpftoolProgs, Map<Integer, String> bpftoolMaps)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("--object", r.obj.file().toString(), "--load-only"));
        sizes.forEach(s -> args.addAll(List.of("--map-size", s)));
        try (HeldSession s = HeldSession.apply(work, args)) {
            // a program left out (its section unknown, its code not loadable) means not whole
            boolean leftOut = s.stderr().contains("leaving out program");
            r.gew = s.live() && !leftOut;
            if (!s.live()) {
                r.gewWhy = s.error();
                return;
            }
            if (leftOut) {
                r.gewWhy = s.stderr().lines().filter(l -> l.contains("leaving out")).findFirst().orElse("");
            }
            Map<Integer, String> gewMaps = new TreeMap<>();
            kernelMapNames(s.folder().resolve("maps"), gewMaps);
            for (Map.Entry<String, Fd> e : bpftoolProgs.entrySet()) {
                Path pin = s.folder().resolve("progs").resolve(e.getKey());
                if (!Files.exists(pin, LinkOption.NOFOLLOW_LINKS)) {
                    r.xlatedDiffer.add(e.getKey() + ": gew has no such program");
                    continue;
                }
                try (Fd gew = Bpf.get(pin.toString(), "prog")) {
                    List<String> expected = XlatedListing.lines(Bpf.xlatedInsns(e.getValue()), bpftoolMaps);
                    List<String> actual = XlatedListing.lines(Bpf.xlatedInsns(gew), gewMaps);
                    r.compared++;
                    if (expected.isEmpty() || !expected.equals(actual)) {
                        r.xlatedDiffer.add(e.getKey() + ": " + XlatedListing.firstDifference(expected, actual));
                    }
                }
            }
            Path folder = s.folder();
            s.close();
            if (s.exitValue() != 0 || Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
                r.left.add("session " + folder + " (gew exit " + s.exitValue() + ")");
            }
        }
    }

    /** Map ids to the kernel's names of the maps pinned in {@code dir} (the names both loaders give). */
    private static void kernelMapNames(Path dir, Map<Integer, String> out) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.toList()) {
                try (Fd m = Bpf.get(f.toString(), "map")) {
                    var info = Bpf.mapInfo(m);
                    out.put(info.id(), info.name());
                }
            }
        }
    }

    /** --map-size values for the maps the object leaves to run time, as the tools size them. */
    private static List<String> unsized(BpfObject o) {
        List<String> out = new ArrayList<>();
        for (BpfMap m : o.maps()) {
            boolean perCpu = m.type() == MapType.PERF_EVENT_ARRAY.value();
            boolean owner = Set.of(MapType.SK_STORAGE, MapType.INODE_STORAGE, MapType.TASK_STORAGE,
                    MapType.CGRP_STORAGE, MapType.CGROUP_STORAGE, MapType.PERCPU_CGROUP_STORAGE).stream()
                    .anyMatch(t -> t.value() == m.type());
            boolean stack = m.type() == MapType.STACK_TRACE.value();
            if (perCpu || owner || (m.maxEntries() != 0 && (m.valueSize() != 0 || !stack))) {
                continue;
            }
            out.add(m.name() + "=" + (m.maxEntries() != 0 ? m.maxEntries() : ENTRIES)
                    + (stack && m.valueSize() == 0 ? ":" + STACK_VALUE : ""));
        }
        return out;
    }

    // ---- each program alone ----

    private void libbpfAlone(Path loader, Row r) throws Exception {
        for (String[] f : run(loader.toString(), r.obj.file().toString())) {
            if (f.length >= 4 && f[0].equals("load")) {
                r.libbpfAlone.put(f[1], f[2].equals("ok") ? "" : "errno " + f[3] + (f.length > 4 ? ": " + f[4] : ""));
            }
        }
    }

    /** One gew object check --each over every object: each program in a session of its own. */
    private void gewAlone(List<Row> rows) throws Exception {
        List<String> args = new ArrayList<>(List.of("object", "check", "--each", "-o", "json"));
        Set<String> sizes = new TreeSet<>();
        rows.forEach(r -> sizes.addAll(unsized(r.parsed)));
        sizes.forEach(s -> args.addAll(List.of("--map-size", s)));
        rows.forEach(r -> args.add(r.obj.file().toString()));
        Gew.Result res = Gew.run(args.toArray(String[]::new));
        ObjectCheckReport.Builder b = ObjectCheckReport.newBuilder();
        JsonFormat.parser().merge(res.out(), b);
        ObjectCheckReport report = b.build();
        assertEquals(rows.size(), report.getObjectsCount(), res.toString());
        for (int i = 0; i < rows.size(); i++) {
            ObjectCheck o = report.getObjects(i);
            assertEquals(rows.get(i).obj.file().toString(), o.getPath());
            Row r = rows.get(i);
            o.getProgramsList().forEach(p -> r.gewAlone.put(p.getName(), p));
        }
    }

    // ---- attach, fire, detach ----

    private void attach(Path loader, Path trigger, Row r) throws Exception {
        for (BpfProgram p : r.parsed.programs()) {
            String form = form(p);
            ProgramCheck alone = r.gewAlone.get(p.name());
            if (form != null) {
                r.attachable.put(p.name(), form);
                if (alone == null || !alone.getLoads()) {
                    r.gewAttach.put(p.name(), "does not load: " + (alone == null ? "?" : alone.getReason()));
                }
            }
        }
        if (r.attachable.isEmpty()) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of(loader.toString(), "--attach", r.obj.file().toString()));
        cmd.addAll(r.attachable.keySet());
        for (String[] f : run(cmd.toArray(String[]::new))) {
            if (f.length >= 4 && f[0].equals("attach")) {
                r.libbpfAttach.put(f[1], f[2].equals("ok") ? "" : "errno " + f[3] + (f.length > 4 ? ": " + f[4] : ""));
            }
        }
        List<String> args = new ArrayList<>(List.of("--object", r.obj.file().toString()));
        unsized(r.parsed).forEach(s -> args.addAll(List.of("--map-size", s)));
        List<String> programs = new ArrayList<>();
        r.attachable.forEach((p, form) -> {
            if (!r.gewAttach.containsKey(p)) {
                programs.add(p);
                args.addAll(List.of("--program", p, "--attach", form));
            }
        });
        if (programs.isEmpty()) {
            return;
        }
        try (HeldSession s = HeldSession.apply(work, args)) {
            if (!s.live()) {
                programs.forEach(p -> r.gewAttach.put(p, s.error()));
                return;
            }
            Map<String, Long> before = new TreeMap<>();
            List<Integer> links = new ArrayList<>();
            for (String p : programs) {
                r.gewAttach.put(p, "");
                before.put(p, runCount(s.folder(), p));
                try (Fd l = Bpf.get(s.folder().resolve("links").resolve(p).toString(), "link")) {
                    links.add(Bpf.linkInfo(l).id());
                }
            }
            Path dir = work.resolve("trigger-files");
            Files.createDirectories(dir);
            String[] out = run(trigger.toString(), dir.toString()).stream().map(f -> String.join(" ", f))
                    .toArray(String[]::new);
            for (String p : programs) {
                r.fired.put(p, runCount(s.folder(), p) - before.get(p));
            }
            Path folder = s.folder();
            s.close();
            if (s.exitValue() != 0) {
                r.left.add("gew exited " + s.exitValue() + ": " + s.stderr() + String.join("\n", out));
            }
            if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
                r.left.add("session folder " + folder);
            }
            for (int id : links) {
                if (Links.exists(id)) {
                    r.left.add("link " + id);
                }
            }
        }
    }

    private static long runCount(Path session, String program) {
        try (Fd p = Bpf.get(session.resolve("progs").resolve(program).toString(), "prog")) {
            return Bpf.progInfo(p).runCount();
        }
    }

    /** The --attach form of a tracepoint, raw_tp or tp_btf program whose section names its target; else null. */
    static String form(BpfProgram p) {
        if (p.loadProblem().isPresent() || p.section().isEmpty() || p.section().get().target().isEmpty()) {
            return null;
        }
        ProgramSection.Match m = p.section().get();
        String t = m.target();
        return switch (m.kind().target()) {
            case TRACEPOINT -> t.contains("/") ? "tracepoint:" + t.replace('/', ':') : null;
            case NAME -> m.kind().progType() == dev.gewyvern.elf.uapi.ProgType.RAW_TRACEPOINT ? "raw_tp:" + t : null;
            case BTF -> m.kind() == ProgramSection.TP_BTF ? "tp_btf:" + t : null;
            default -> null;
        };
    }

    /** The tracepoint's own name in an --attach form. */
    private static String target(String form) {
        return form == null ? "" : form.substring(form.lastIndexOf(':') + 1);
    }

    // ---- the table ----

    private static String table(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-16s %-8s %-10s %-9s %-12s %-12s %-11s %-16s%n", "OBJECT", "BPFTOOL", "GEW",
                "XLATED", "ALONE:LIBBPF", "ALONE:GEW", "ATTACH:LIB", "ATTACH:GEW/FIRED"));
        int bt = 0, gw = 0, gws = 0, cmp = 0, same = 0, la = 0, ga = 0, gaMore = 0, progs = 0;
        int att = 0, latt = 0, gatt = 0, fired = 0;
        List<String> more = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Row r : rows) {
            bt += r.bpftool ? 1 : 0;
            gw += r.gew && !r.gewWithSizes ? 1 : 0;
            gws += r.gewWithSizes ? 1 : 0;
            cmp += r.compared;
            same += r.compared - r.xlatedDiffer.size();
            int l = (int) r.libbpfAlone.values().stream().filter(String::isEmpty).count();
            int g = (int) r.gewAlone.values().stream().filter(ProgramCheck::getLoads).count();
            progs += r.parsed.programs().size();
            la += l;
            ga += g;
            for (ProgramCheck p : r.gewAlone.values()) {
                if (p.getLoads() && !"".equals(r.libbpfAlone.get(p.getName()))) {
                    gaMore++;
                    more.add(r.obj.name() + "/" + p.getName() + " loads alone in gew"
                            + (unsized(r.parsed).isEmpty() ? "" : " (with --map-size " + String.join(" ", unsized(r.parsed)) + ")")
                            + "; libbpf: " + r.libbpfAlone.getOrDefault(p.getName(), "?"));
                }
            }
            int a = r.attachable.size();
            int lA = (int) r.libbpfAttach.values().stream().filter(String::isEmpty).count();
            int gA = (int) r.gewAttach.values().stream().filter(String::isEmpty).count();
            int f = (int) r.fired.values().stream().filter(n -> n > 0).count();
            att += a;
            latt += lA;
            gatt += gA;
            fired += f;
            r.gewAttach.forEach((p, why) -> {
                if (why.isEmpty() && r.fired.getOrDefault(p, 0L) == 0) {
                    notes.add(r.obj.name() + "/" + p + " attached to " + r.attachable.get(p) + ", did not fire here");
                }
            });
            if (r.gewWithSizes) {
                more.add(r.obj.name() + " loads whole in gew with --map-size " + String.join(" ", r.sizes)
                        + "; bpftool: " + r.bpftoolWhy);
            }
            b.append(String.format("%-16s %-8s %-10s %-9s %-12s %-12s %-11s %-16s%n", r.obj.name(),
                    r.bpftool ? "loads" : "refused", r.gew ? (r.gewWithSizes ? "loads(size)" : "loads") : "refused",
                    r.compared == 0 ? "-" : (r.compared - r.xlatedDiffer.size()) + "/" + r.compared,
                    l + "/" + r.parsed.programs().size(), g + "/" + r.parsed.programs().size(),
                    a == 0 ? "-" : lA + "/" + a, a == 0 ? "-" : gA + "/" + a + " " + f));
        }
        b.append(String.format("%nwhole objects (%d): bpftool loads %d, gew loads %d (and %d more with --map-size)%n",
                rows.size(), bt, gw, gws));
        b.append(String.format("translated instructions identical for %d of %d programs both loaded whole%n", same, cmp));
        b.append(String.format("programs alone (%d): libbpf loads %d, gew loads %d (%d of them where libbpf does not)%n",
                progs, la, ga, gaMore));
        b.append(String.format("tracepoint/raw_tp/tp_btf programs naming their target (%d): libbpf attaches %d, gew "
                + "attaches %d, %d of them fired%n", att, latt, gatt, fired));
        more.forEach(m -> b.append("gew loads more: ").append(m).append('\n'));
        notes.forEach(n -> b.append("note: ").append(n).append('\n'));
        return b.toString();
    }

    // ---- helpers ----

    /** Builds src/test/c/NAME.c with clang-19 against the system's libbpf (libbpf-dev), as .ci/run installs them. */
    private Path cc(String name) throws Exception {
        Path src = Gew.repo().resolve("gew-cli/src/test/c/" + name + ".c");
        Path out = work.resolve(name);
        Process p = new ProcessBuilder("clang-19", "-O2", "-Wall", "-Werror", "-o", out.toString(), src.toString(), "-lbpf")
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "clang-19 " + src + " -lbpf (apt-get install libbpf-dev): " + text);
        return out;
    }

    /** Runs a command and splits each line of its stdout at tabs. */
    private static List<String[]> run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        assertEquals(0, exit, String.join(" ", cmd) + ": " + out);
        List<String[]> rows = new ArrayList<>();
        out.lines().forEach(l -> rows.add(l.split("\t", -1)));
        return rows;
    }

    /** libbpf's last words in bpftool's output (the line before "failed to load object"). */
    private static String libbpfWords(String out) {
        String last = "";
        for (String l : out.split("\n")) {
            if (l.startsWith("libbpf: ") && !l.contains("failed to load object") && !l.contains("PROG LOAD LOG")) {
                last = l.substring("libbpf: ".length());
            }
        }
        return last;
    }

    private static void clean(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void extractionFindsEachEmbeddedObjectWhole() throws IOException {
        byte[] a = Files.readAllBytes(Gew.repo().resolve("testdata/obj/execcount.bpf.o"));
        byte[] b = Files.readAllBytes(Gew.repo().resolve("testdata/obj/globals.bpf.o"));
        byte[] host = Files.readAllBytes(Path.of("/bin/true")); // an x86-64 ELF: its own header is no BPF object
        java.io.ByteArrayOutputStream bin = new java.io.ByteArrayOutputStream();
        bin.write(host);
        bin.write(a);
        bin.write(new byte[] {0x7f, 'E', 'L', 'F', 2, 1}); // a stray magic, cut short
        bin.write(b);
        bin.write(host, 0, 100);
        List<byte[]> found = LibbpfTools.objects(bin.toByteArray());
        assertEquals(2, found.size());
        assertTrue(java.util.Arrays.equals(a, found.get(0)) && java.util.Arrays.equals(b, found.get(1)),
                "each object cut at the end of its section header table");
        assertTrue(LibbpfTools.objects(host).isEmpty());
    }
}
