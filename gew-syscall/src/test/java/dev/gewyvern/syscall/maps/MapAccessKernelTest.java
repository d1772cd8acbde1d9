package dev.gewyvern.syscall.maps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.KernelTestSupport;
import dev.gewyvern.syscall.attr.MapCreateAttr;
import dev.gewyvern.syscall.kernel.Cpus;
import dev.gewyvern.syscall.kernel.Filesystems;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Map reads and writes for real: every map type user space fills, walked by batch and by key. */
class MapAccessKernelTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private MapAccess map(MapType type, int keySize, int valueSize, int max, int flags) {
        Fd fd = Bpf.createMap(MapCreateAttr.of(type, keySize, valueSize, max).withFlags(flags).withName("gew_t_ma"));
        open.add(fd);
        MapAccess m = MapAccess.of(fd, "counts");
        open.add(m);
        return m;
    }

    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(v).array();
    }

    static long u64(byte[] b, int off) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getLong(off);
    }

    static int u32(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getInt(0);
    }

    /** hash 1, LRU hash 9: keys come and go; every walk sees each live key once. */
    @ParameterizedTest
    @EnumSource(value = MapType.class, names = {"HASH", "LRU_HASH"})
    void hashesRoundTripAndEveryWalkSeesEachKeyOnce(MapType type) {
        MapAccess m = map(type, 4, 8, 4096, 0);
        for (int k = 0; k < 1000; k++) {
            m.update(u32(k), u64(k * 3L), 0);
        }
        assertEquals(2997, u64(m.lookup(u32(999)), 0));
        assertNull(m.lookup(u32(5000)));
        assertTrue(m.delete(u32(10)));
        assertFalse(m.delete(u32(10)), "already gone");
        assertNull(m.lookup(u32(10)));
        BpfException dup = assertThrows(BpfException.class, () -> m.update(u32(11), u64(0), 1 /* BPF_NOEXIST */));
        assertEquals(Errno.EEXIST, dup.errno());
        assertTrue(dup.getMessage().contains("map 'counts'"), dup.getMessage());

        Map<Integer, Long> all = new HashMap<>();
        for (MapEntryBytes e : m.entries()) {
            assertEquals(null, all.put(u32(e.key()), u64(e.value(), 0)), "key " + u32(e.key()) + " twice");
        }
        assertEquals(999, all.size());
        assertEquals(297L, all.get(99));
        // small pages, by batch token: the same entries
        Set<Integer> paged = new HashSet<>();
        byte[] token = null;
        int pages = 0;
        do {
            MapPage p = m.page(token, 7);
            assertTrue(p.batched(), "hash maps walk by BPF_MAP_LOOKUP_BATCH");
            for (MapEntryBytes e : p.entries()) {
                assertTrue(paged.add(u32(e.key())), "key " + u32(e.key()) + " twice");
            }
            token = p.next();
            pages++;
        } while (token != null);
        assertEquals(all.keySet(), paged);
        assertTrue(pages > 100, pages + " pages");
    }

    @Test
    void arraysHaveEveryIndexAndRefuseDeletes() {
        MapAccess m = map(MapType.ARRAY, 4, 8, 16, 0);
        m.update(u32(3), u64(33), 0);
        assertEquals(33, u64(m.lookup(u32(3)), 0));
        assertEquals(0, u64(m.lookup(u32(4)), 0));
        List<MapEntryBytes> all = m.entries();
        assertEquals(16, all.size());
        assertEquals(33, u64(all.get(3).value(), 0));
        BpfException e = assertThrows(BpfException.class, () -> m.delete(u32(3)));
        assertTrue(e.getMessage().contains("always exist"), e.getMessage());
        assertNull(m.lookup(u32(16)), "past the end: no such entry");
    }

    @ParameterizedTest
    @EnumSource(value = MapType.class, names = {"PERCPU_HASH", "PERCPU_ARRAY", "LRU_PERCPU_HASH"})
    void perCpuMapsHoldACopyForEveryPossibleCpu(MapType type) {
        MapAccess m = map(type, 4, 12, 64, 0);
        int cpus = Cpus.possible();
        assertEquals(cpus, m.copies());
        assertEquals(16, m.stride(), "12-byte values are padded to 8 per CPU");
        byte[] one = new byte[12];
        one[0] = 7;
        one[11] = 9;
        m.update(u32(1), one, 0);
        byte[] v = m.lookup(u32(1));
        assertEquals(16 * cpus, v.length);
        for (int c = 0; c < cpus; c++) {
            assertArrayEquals(one, java.util.Arrays.copyOfRange(v, c * 16, c * 16 + 12), "CPU " + c);
        }
        byte[] each = new byte[16 * cpus];
        for (int c = 0; c < cpus; c++) {
            each[c * 16] = (byte) (c + 1);
        }
        m.update(u32(2), each, 0);
        List<MapEntryBytes> all = m.entries();
        MapEntryBytes two = all.stream().filter(e -> u32(e.key()) == 2).findFirst().orElseThrow();
        for (int c = 0; c < cpus; c++) {
            assertEquals(c + 1, two.value()[c * 16], "CPU " + c + " through the batch walk");
        }
        assertThrows(IllegalArgumentException.class, () -> m.update(u32(3), new byte[5], 0));
    }

    @Test
    void aFrozenMapRefusesWritesWithThatReason() {
        MapAccess m = map(MapType.ARRAY, 4, 8, 1, 0);
        m.update(u32(0), u64(5), 0);
        Bpf.freeze(m.fd());
        MapAccess again = MapAccess.of(m.fd(), "config");
        assertTrue(again.frozen());
        BpfException e = assertThrows(BpfException.class, () -> again.update(u32(0), u64(6), 0));
        assertEquals(Errno.EPERM, e.errno());
        assertTrue(e.getMessage().contains("map 'config' is frozen"), e.getMessage());
        assertEquals(5, u64(again.lookup(u32(0)), 0), "reads still work");
    }

    @Test
    void aReadOnlyMapRefusesWritesWithThatReason() {
        MapAccess m = map(MapType.HASH, 4, 8, 4, MapAccess.BPF_F_RDONLY);
        BpfException e = assertThrows(BpfException.class, () -> m.update(u32(0), u64(6), 0));
        assertTrue(e.getMessage().contains("opened read-only"), e.getMessage());
        assertThrows(BpfException.class, () -> m.delete(u32(0)));
    }

    @Test
    void keysOfTheWrongSizeAreRefusedBeforeTheKernelSeesThem() {
        MapAccess m = map(MapType.HASH, 4, 8, 4, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.lookup(new byte[3]));
        assertTrue(e.getMessage().contains("4-byte keys"), e.getMessage());
    }

    @Test
    void aPinnedMapOpensByItsPinAndClosesItsOwnFd() throws Exception {
        Filesystems.ensureBpffs();
        Path dir = Path.of("/sys/fs/bpf/gewyvern-tests/maps-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectories(dir);
        try {
            MapAccess m = map(MapType.HASH, 4, 8, 4, 0);
            m.update(u32(1), u64(2), 0);
            Bpf.pin(m.fd(), dir.resolve("m").toString());
            try (MapAccess p = MapAccess.open(dir.resolve("m"), "pinned")) {
                assertEquals(2, u64(p.lookup(u32(1)), 0));
                assertEquals(m.info().id(), p.info().id());
            }
        } finally {
            Files.deleteIfExists(dir.resolve("m"));
            Files.delete(dir);
            try {
                Files.delete(dir.getParent());
            } catch (java.nio.file.DirectoryNotEmptyException e) {
                // another run's folder
            }
        }
    }
}
