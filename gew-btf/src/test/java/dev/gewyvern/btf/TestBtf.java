package dev.gewyvern.btf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The .BTF sections of the repository's own objects (testdata/obj, found through the gew.repo
 * property). gew-btf cannot use gew-elf (which depends on it), so this reads just enough ELF64 to find
 * a section by name; the objects are ours and well-formed.
 */
final class TestBtf {
    private TestBtf() {
    }

    static byte[] object(String name) {
        String repo = System.getProperty("gew.repo", "..");
        try {
            return Files.readAllBytes(Path.of(repo, "testdata", "obj", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of section {@code wanted} of the ELF64 object {@code elf}. */
    static byte[] section(byte[] elf, String wanted) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(elf[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(40);
        int shentsize = Short.toUnsignedInt(b.getShort(58));
        int shnum = Short.toUnsignedInt(b.getShort(60));
        int shstrndx = Short.toUnsignedInt(b.getShort(62));
        int strtab = (int) b.getLong((int) shoff + shstrndx * shentsize + 24);
        for (int i = 0; i < shnum; i++) {
            int h = (int) shoff + i * shentsize;
            int nameAt = strtab + b.getInt(h);
            int end = nameAt;
            while (elf[end] != 0) {
                end++;
            }
            if (new String(elf, nameAt, end - nameAt, StandardCharsets.US_ASCII).equals(wanted)) {
                int off = (int) b.getLong(h + 24);
                int size = (int) b.getLong(h + 32);
                return java.util.Arrays.copyOfRange(elf, off, off + size);
            }
        }
        throw new IllegalStateException("no section " + wanted);
    }

    static byte[] btf(String object) {
        return section(object(object), ".BTF");
    }

    static final String[] OBJECTS = {"btfkinds.bpf.o", "btfkinds.bpfeb.o", "execcount.bpf.o", "execcount.bpfeb.o"};
}
