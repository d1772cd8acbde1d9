package dev.gewyvern.syscall.probes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The capability probes' results kept for the rest of this boot, so that a command admitting a pipeline
 * reads some 150 lines instead of making a hundred probe loads and indexing the kernel's BTF to name them:
 * every answer but the helpers, and the helper/program type pairs that commands of this boot probed one at a
 * time (an apply's helpers: {@link #keep} adds them, so the next apply of the pipeline probes none). An
 * optimisation only: the file is root's alone (a folder and file of mode
 * 0700/0600 owned by root, else it is ignored), names this boot, kernel release and gewyvern version, and
 * ends with a CRC-32 of what it holds; anything else (missing, unreadable, another boot's, damaged) is
 * ignored and written again from fresh probes. A caller that would refuse a pipeline on a cached answer
 * asks {@link #fresh} first ({@link Capabilities#cached()} says which it has), so a stale file can cost a
 * probe, never a wrong refusal.
 */
public final class CapabilityCache {
    /**
     * Where the cache lives: /run is a tmpfs, emptied at every boot. Each build of gewyvern has its own file
     * in it ({@code capabilities-<hash of the build>}), so that builds side by side do not overwrite each other's.
     */
    public static final Path DEFAULT = Path.of("/run/gewyvern");

    private static final String MAGIC = "gewyvern-capabilities 2";
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    /** What this process has read or probed, by cache file. */
    private static final java.util.Map<Path, Capabilities> LOADED = new java.util.HashMap<>();
    /** How many helper pairs the file of each folder holds, as far as this process read or wrote it. */
    private static final java.util.Map<Path, Integer> PAIRS_IN_FILE = new java.util.HashMap<>();

    private CapabilityCache() {
    }

    /**
     * The running kernel's capabilities without helpers: this process's, else {@code file}'s when it holds
     * this boot's, else probed now (and written to {@code file} for the next command).
     */
    public static synchronized Capabilities withoutHelpers(Path dir, String gewVersion) {
        Capabilities c = LOADED.get(dir);
        if (c == null) {
            String key = key(gewVersion);
            Path file = file(dir, key);
            Capabilities read = key == null ? null : read(file, key);
            c = read != null ? read : probeAndWrite(file, key);
            LOADED.put(dir, c);
            PAIRS_IN_FILE.put(dir, c.pairs().size());
        }
        return c;
    }

    /**
     * Adds the helper pairs this process probed since it read or wrote {@code dir}'s file to it, for the next
     * command of this boot; nothing when there are none (the file is written whole, as {@link #write} does).
     */
    public static synchronized void keep(Path dir, String gewVersion) {
        Capabilities c = LOADED.get(dir);
        if (c == null) {
            return;
        }
        int pairs = c.pairs().size();
        if (pairs > PAIRS_IN_FILE.getOrDefault(dir, 0)) {
            String key = key(gewVersion);
            if (key != null) {
                write(file(dir, key), key, c);
            }
            PAIRS_IN_FILE.put(dir, pairs);
        }
    }

    /** This process's probes, whatever the file says; written to it for the next command. */
    public static synchronized Capabilities fresh(Path dir, String gewVersion) {
        Capabilities c = LOADED.get(dir);
        if (c == null || c.cached()) {
            String key = key(gewVersion);
            c = probeAndWrite(file(dir, key), key);
            LOADED.put(dir, c);
            PAIRS_IN_FILE.put(dir, 0);
        }
        return c;
    }

    /** The file of this build in {@code dir} (the key less its boot and kernel, which the file's own line names). */
    static Path file(Path dir, String key) {
        CRC32 crc = new CRC32();
        crc.update((key == null ? "" : key.substring(key.indexOf(" gewyvern "))).getBytes(StandardCharsets.UTF_8));
        return dir.resolve("capabilities-" + Long.toHexString(crc.getValue()));
    }

    private static Capabilities probeAndWrite(Path file, String key) {
        Capabilities c = Capabilities.withoutHelpers();
        if (key != null) {
            write(file, key, c);
        }
        return c;
    }

    /**
     * This boot, kernel and gewyvern build, as the file's second line names them; null when they cannot be
     * told. The build is the probes' own classes (their jar's size and time, or in a build's classes folder the
     * size and newest time of this package's class files), so that a rebuilt gewyvern of the same version does
     * not read the answers of the probes it replaced.
     */
    static String key(String gewVersion) {
        try {
            String release = dev.gewyvern.syscall.kernel.KernelRelease.running().text();
            if (release.isEmpty()) {
                return null;
            }
            return "boot " + Files.readString(BOOT_ID).trim() + " kernel " + release
                    + " gewyvern " + gewVersion + " build " + build();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String build() throws IOException {
        java.security.CodeSource source = CapabilityProbes.class.getProtectionDomain().getCodeSource();
        Path where;
        try {
            where = Path.of(source.getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        if (!Files.isDirectory(where)) {
            return Files.size(where) + "-" + Files.getLastModifiedTime(where).toMillis();
        }
        long size = 0;
        long newest = 0;
        try (var classes = Files.list(where.resolve(CapabilityProbes.class.getPackageName().replace('.', '/')))) {
            for (Path c : (Iterable<Path>) classes::iterator) {
                if (c.getFileName().toString().endsWith(".class")) {
                    size += Files.size(c);
                    newest = Math.max(newest, Files.getLastModifiedTime(c).toMillis());
                }
            }
        }
        return size + "-" + newest;
    }

    /** The capabilities the file holds for {@code key}, or null when it holds none we may trust. */
    static Capabilities read(Path file, String key) {
        byte[] bytes = dev.gewyvern.syscall.RootOnlyFiles.read(file);
        if (bytes == null) {
            return null;
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        int sum = text.lastIndexOf("\ncrc32 ");
        if (sum < 0 || !text.endsWith("\n")) {
            return null;
        }
        String body = text.substring(0, sum + 1);
        if (!Long.toHexString(crc(body)).equals(text.substring(sum + "\ncrc32 ".length(), text.length() - 1))) {
            return null;
        }
        String[] lines = body.split("\n");
        if (lines.length < 2 || !lines[0].equals(MAGIC) || !lines[1].equals(key)) {
            return null;
        }
        List<Capability> all = new ArrayList<>();
        java.util.Map<String, Support> pairs = new java.util.HashMap<>();
        try {
            for (int i = 2; i < lines.length; i++) {
                Capability c = parse(lines[i]);
                if (c.category() == Capability.Category.HELPER) {
                    pairs.put(c.scope() + "/" + c.name(), c.support());
                } else {
                    all.add(c);
                }
            }
        } catch (RuntimeException e) {
            return null;
        }
        return new Capabilities(all, 0, false, true, pairs);
    }

    /** Writes the file whole (a temporary file renamed over it), or leaves it as it was ({@link dev.gewyvern.syscall.RootOnlyFiles}). */
    static void write(Path file, String key, Capabilities c) {
        StringBuilder body = new StringBuilder(MAGIC).append('\n').append(key).append('\n');
        for (Capability cap : c.all()) {
            if (cap.category() != Capability.Category.HELPER) {
                body.append(line(cap)).append('\n');
            }
        }
        for (Capability pair : c.pairs()) {
            body.append(line(pair)).append('\n');
        }
        String text = body + "crc32 " + Long.toHexString(crc(body.toString())) + "\n";
        dev.gewyvern.syscall.RootOnlyFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private static long crc(String s) {
        CRC32 crc = new CRC32();
        crc.update(s.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    /** category, scope, name, state, why, detail: tab-separated; the detail's tabs, newlines, backslashes escaped. */
    static String line(Capability c) {
        Support s = c.support();
        String why = s instanceof Support.NotSupported n ? n.why().name() : "-";
        return c.category().name() + '\t' + c.scope() + '\t' + c.name() + '\t' + s.state() + '\t' + why + '\t'
                + escape(s.detail());
    }

    static Capability parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 6) {
            throw new IllegalArgumentException("not six fields");
        }
        String detail = unescape(f[5]);
        Support s = switch (f[3]) {
            case "supported" -> Support.supported(detail);
            case "not supported" -> Support.notSupported(Support.Why.valueOf(f[4]), detail);
            case "inconclusive" -> Support.inconclusive(detail);
            default -> throw new IllegalArgumentException("state " + f[3]);
        };
        return new Capability(Capability.Category.valueOf(f[0]), f[1], f[2], s);
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }
}
