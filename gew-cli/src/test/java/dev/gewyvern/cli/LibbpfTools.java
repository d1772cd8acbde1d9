package dev.gewyvern.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The BPF objects Debian's libbpf-tools package ships inside its binaries: each binary embeds its
 * object (a skeleton), found as an ELF header whose e_machine is EM_BPF and cut at the end of its
 * section header table (the last thing a relocatable object has). Symlinked names (ext4dist is fsdist)
 * are left out and identical objects kept once, under the first binary's name.
 */
final class LibbpfTools {
    private static final int EM_BPF = 247;

    /** One embedded object: the binary it came from, where it was written, its bytes' SHA-256. */
    record Embedded(String name, Path binary, Path file, String sha256) {}

    private LibbpfTools() {
    }

    /** The package's files, as dpkg lists them. */
    static List<Path> binaries() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("dpkg", "-L", "libbpf-tools").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("dpkg -L libbpf-tools: " + out.strip());
        }
        List<Path> bins = new ArrayList<>();
        for (String line : out.split("\n")) {
            Path f = Path.of(line.strip());
            Path parent = f.getParent();
            if (parent != null && parent.getFileName() != null && parent.getFileName().toString().endsWith("bin")
                    && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                bins.add(f);
            }
        }
        return bins;
    }

    /** Every distinct embedded object of {@code binaries}, written to {@code dir} as NAME.bpf.o, by name. */
    static List<Embedded> extract(List<Path> binaries, Path dir) throws IOException {
        Map<String, Embedded> bySha = new LinkedHashMap<>();
        for (Path bin : binaries.stream().sorted().toList()) {
            List<byte[]> objects = objects(Files.readAllBytes(bin));
            for (int i = 0; i < objects.size(); i++) {
                String sha = sha256(objects.get(i));
                if (bySha.containsKey(sha)) {
                    continue;
                }
                String name = bin.getFileName() + (i == 0 ? "" : "-" + i);
                Path f = dir.resolve(name + ".bpf.o");
                Files.write(f, objects.get(i));
                bySha.put(sha, new Embedded(name, bin, f, sha));
            }
        }
        Map<String, Embedded> byName = new TreeMap<>();
        bySha.values().forEach(e -> byName.put(e.name(), e));
        return List.copyOf(byName.values());
    }

    /** The BPF ELF objects inside a file: ELF64 little-endian headers with e_machine EM_BPF. */
    static List<byte[]> objects(byte[] file) {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 1; i + 64 <= file.length; i++) {
            if (file[i] != 0x7f || file[i + 1] != 'E' || file[i + 2] != 'L' || file[i + 3] != 'F'
                    || file[i + 4] != 2 || file[i + 5] != 1 || (b.getShort(i + 18) & 0xffff) != EM_BPF) {
                continue;
            }
            long shoff = b.getLong(i + 40);
            int shentsize = b.getShort(i + 58) & 0xffff;
            int shnum = b.getShort(i + 60) & 0xffff;
            long end = shoff + (long) shentsize * shnum;
            if (shoff <= 0 || end > file.length - (long) i) {
                continue;
            }
            out.add(java.util.Arrays.copyOfRange(file, i, (int) (i + end)));
            i += (int) end - 1;
        }
        return out;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
