package dev.gewyvern.elf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The BPF objects the tests read: testdata/obj/execcount.* (the repository's own, found through the
 * gew.repo system property) and this module's src/test/resources/bpf/*.o (see build.sh there).
 */
final class TestObjects {
    private TestObjects() {
    }

    static byte[] testdata(String name) {
        String repo = System.getProperty("gew.repo", "..");
        try {
            return Files.readAllBytes(Path.of(repo, "testdata", "obj", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = TestObjects.class.getResourceAsStream("/bpf/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource bpf/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every testdata object (both byte orders) and this module's resource objects: the fuzzing seeds. */
    static java.util.List<byte[]> all() {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        Path dir = Path.of(System.getProperty("gew.repo", ".."), "testdata", "obj");
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) { // obj/core/ holds CO-RE targets
                out.add(Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.add(subprog());
        out.add(subprogBe());
        out.add(legacy());
        return java.util.List.copyOf(out);
    }

    static byte[] execcount() {
        return testdata("execcount.bpf.o");
    }

    static byte[] execcountBe() {
        return testdata("execcount.bpfeb.o");
    }

    static byte[] subprog() {
        return resource("subprog.bpf.o");
    }

    static byte[] subprogBe() {
        return resource("subprog.bpfeb.o");
    }

    static byte[] legacy() {
        return testdata("legacy.bpf.o");
    }

    /** Byte offset of section {@code name}'s data in {@code elf}. */
    static int sectionOffset(byte[] elf, String name) {
        return (int) ElfFile.parse(elf).section(name).orElseThrow().offset();
    }

    /** Replaces the first occurrence of {@code from} (same length as {@code to}) inside section {@code section}. */
    static byte[] replaceInSection(byte[] elf, String section, byte[] from, byte[] to) {
        ElfSection s = ElfFile.parse(elf).section(section).orElseThrow();
        byte[] out = elf.clone();
        outer:
        for (int i = (int) s.offset(); i + from.length <= s.offset() + s.size(); i++) {
            for (int k = 0; k < from.length; k++) {
                if (out[i + k] != from[k]) {
                    continue outer;
                }
            }
            System.arraycopy(to, 0, out, i, to.length);
            return out;
        }
        throw new IllegalStateException("not found in " + section);
    }

    static void putInt(byte[] elf, int at, int v) {
        ByteBuffer.wrap(elf).order(order(elf)).putInt(at, v);
    }

    static void putLong(byte[] elf, int at, long v) {
        ByteBuffer.wrap(elf).order(order(elf)).putLong(at, v);
    }

    static int getInt(byte[] elf, int at) {
        return ByteBuffer.wrap(elf).order(order(elf)).getInt(at);
    }

    static ByteOrder order(byte[] elf) {
        return elf[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }
}
