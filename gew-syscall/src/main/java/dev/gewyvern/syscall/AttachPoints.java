package dev.gewyvern.syscall;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Stream;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.syscall.kernel.Filesystems;
import dev.gewyvern.syscall.kernel.KernelTypes;
import dev.gewyvern.syscall.probes.Capabilities;
import dev.gewyvern.syscall.probes.Capability;
import dev.gewyvern.syscall.probes.Support;

/**
 * The attach points this kernel offers, named as {@code gew session apply --attach} takes them, each with
 * the support of its attach kind: tracepoints from tracefs; raw tracepoints, BTF tracepoints, functions
 * (fentry, fexit, kprobe), LSM hooks and iterators from the kernel's BTF; software perf events; cgroup v2
 * folders; network interfaces and named network namespaces. Nothing here lists BPF objects.
 */
public final class AttachPoints {
    private AttachPoints() {
    }

    /**
     * The kinds {@link #list} names points of, in its order. The other kinds take these names: fmod_ret those
     * of fentry, kretprobe and kprobe.multi those of kprobe, uprobe a binary's symbols.
     */
    public static final List<String> KINDS = List.of("tracepoint", "raw_tp", "tp_btf", "fentry", "fexit", "kprobe",
            "lsm", "iter", "perf_event", "cgroup", "xdp", "tcx", "sk_lookup", "flow_dissector");

    /** One attach point: {@code kind:name} and whether this kernel lets gewyvern use it. */
    public record AttachPoint(String kind, String name, Support support) {
        public String target() {
            return kind + ":" + name;
        }
    }

    /** Every attach point whose {@code kind:name} the filter accepts, kind by kind. */
    public static List<AttachPoint> list(Predicate<String> filter) {
        Capabilities caps = Capabilities.withoutHelpers();
        List<AttachPoint> out = new ArrayList<>();
        Lister l = (kind, name) -> {
            if (filter.test(kind + ":" + name)) {
                // a cgroup takes every cgroup_* program type; its state is that of cgroup_skb's links
                String capability = kind.equals("cgroup") ? "cgroup_skb" : kind;
                out.add(new AttachPoint(kind, name, caps.support(Capability.Category.ATTACH_KIND, capability)));
            }
        };
        tracepoints(l);
        Btf btf = KernelTypes.running().btf();
        List<String> rawTps = new ArrayList<>();
        List<String> funcs = new ArrayList<>();
        java.util.Set<String> iterTargets = new java.util.HashSet<>();
        for (int id = 1; id < btf.typeCount(); id++) {
            BtfKind k = btf.kind(id);
            if (k == BtfKind.TYPEDEF && btf.name(id).startsWith("btf_trace_")) {
                rawTps.add(btf.name(id).substring("btf_trace_".length()));
            } else if (k == BtfKind.FUNC) {
                funcs.add(btf.name(id));
            } else if (k == BtfKind.STRUCT && btf.name(id).startsWith("bpf_iter__")) {
                // an iterator target X is a function bpf_iter_X with a context struct bpf_iter__X
                iterTargets.add(btf.name(id).substring("bpf_iter__".length()));
            }
        }
        rawTps.sort(null);
        funcs.sort(null);
        for (String kind : List.of("raw_tp", "tp_btf")) {
            for (String n : rawTps) {
                l.add(kind, n);
            }
        }
        for (String kind : List.of("fentry", "fexit", "kprobe")) {
            for (String f : funcs) {
                if (!f.startsWith("bpf_lsm_")) {
                    l.add(kind, f);
                }
            }
        }
        for (String f : funcs) {
            if (f.startsWith("bpf_lsm_")) {
                l.add("lsm", f.substring("bpf_lsm_".length()));
            } else if (f.startsWith("bpf_iter_") && iterTargets.contains(f.substring("bpf_iter_".length()))) {
                l.add("iter", f.substring("bpf_iter_".length()));
            }
        }
        for (String sw : KernelTypes.running().values("perf_sw_ids", "PERF_COUNT_SW_").keySet()) {
            if (!sw.equals("max")) {
                l.add("perf_event", sw.replace('_', '-'));
            }
        }
        cgroups(l);
        for (String dev : names(Path.of("/sys/class/net"))) {
            l.add("xdp", dev);
            l.add("tcx", dev);
        }
        for (String ns : names(Path.of("/run/netns"))) {
            l.add("sk_lookup", ns);
            l.add("flow_dissector", ns);
        }
        return out;
    }

    /** A glob over {@code kind:name} ({@code *} any run, {@code ?} one character); without either, a substring. */
    public static Predicate<String> glob(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            return s -> true;
        }
        String p = pattern.contains("*") || pattern.contains("?") ? pattern : "*" + pattern + "*";
        StringBuilder re = new StringBuilder();
        for (char c : p.toCharArray()) {
            if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else {
                re.append(java.util.regex.Pattern.quote(String.valueOf(c)));
            }
        }
        java.util.regex.Pattern compiled = java.util.regex.Pattern.compile(re.toString(), java.util.regex.Pattern.DOTALL);
        return s -> compiled.matcher(s).matches();
    }

    private interface Lister {
        void add(String kind, String name);
    }

    private static void tracepoints(Lister l) {
        Path events = Filesystems.ensureTracefs().resolve("available_events");
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(events));
            lines.sort(null);
            for (String line : lines) {
                if (!line.isBlank()) {
                    l.add("tracepoint", line.trim());
                }
            }
        } catch (IOException e) {
            throw new BpfException("reading " + events, Errno.ENOENT, e.getMessage(), null);
        }
    }

    private static void cgroups(Lister l) {
        Path root = Filesystems.cgroup2().orElse(null);
        if (root == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(root, 8)) {
            s.filter(Files::isDirectory).sorted().forEach(p -> l.add("cgroup", p.toString()));
        } catch (IOException | java.io.UncheckedIOException e) {
            // a cgroup removed while walking: list what was there
        }
    }

    private static List<String> names(Path dir) {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                out.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }

    /** "supported", or "not supported: refused by policy" / "... config missing" / "inconclusive". */
    public static String state(Support s) {
        if (s instanceof Support.NotSupported ns) {
            return "not supported: " + ns.why().text();
        }
        return s.state().toLowerCase(Locale.ROOT);
    }
}
