package dev.gewyvern.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * JSON read back by BTF says what it said: for any bytes of any struct or union of real BTF (every testdata
 * object in both byte orders, and the running kernel's vmlinux where there is one: bitfields, anonymous
 * members, enums signed and wide, char arrays that are not text, floats), writing the JSON of the bytes
 * back to bytes and reading those gives the same JSON.
 */
class BtfJsonProperties {
    record Candidate(Btf btf, int id, ByteOrder order) {}

    private static final List<Candidate> CANDIDATES = new ArrayList<>();

    @BeforeContainer
    static void collect() throws IOException {
        Path dir = Path.of(System.getProperty("gew.repo", ".."), "testdata", "obj");
        try (var s = Files.list(dir)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".o")).sorted().toList()) {
                String name = p.getFileName().toString();
                Btf btf = Btf.parse(TestBtf.section(Files.readAllBytes(p), ".BTF"));
                add(btf, name.contains("bpfeb") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            }
        }
        Path vmlinux = Path.of("/sys/kernel/btf/vmlinux");
        if (Files.isReadable(vmlinux)) {
            add(Btf.parse(Files.readAllBytes(vmlinux)), ByteOrder.nativeOrder());
        }
        assertTrue(CANDIDATES.size() > 100, CANDIDATES.size() + " types");
    }

    private static void add(Btf btf, ByteOrder order) {
        for (int id = 1; id < btf.typeCount(); id++) {
            if (btf.type(id) instanceof BtfType.Struct s && s.size() > 0 && s.size() <= 4096) {
                CANDIDATES.add(new Candidate(btf, id, order));
            }
        }
    }

    @Property(tries = 2000)
    void jsonOfBytesWrittenBackReadsTheSame(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE - 1) int pick,
                                            @ForAll long seed) {
        Candidate c = CANDIDATES.get(pick % CANDIDATES.size());
        byte[] bytes = new byte[(int) c.btf().sizeOf(c.id())];
        Random r = new Random(seed);
        r.nextBytes(bytes);
        if (r.nextBoolean()) {
            // mostly small numbers and text, as real values are
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (r.nextInt(4) == 0 ? r.nextInt(256) : r.nextBoolean() ? 0 : 'a' + r.nextInt(26));
            }
        }
        String json = BtfValues.json(c.btf(), c.id(), bytes, c.order());
        byte[] again = BtfJson.encode(c.btf(), c.id(), json, c.order());
        assertEquals(json, BtfValues.json(c.btf(), c.id(), again, c.order()),
                BtfValues.typeName(c.btf(), c.id()) + " (type " + c.id() + ")");
    }
}
