package dev.gewyvern.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.btf.BtfType;
import dev.gewyvern.btf.BtfWriter;
import dev.gewyvern.syscall.attr.MapCreateAttr;
import dev.gewyvern.syscall.attr.NativeArg;
import dev.gewyvern.syscall.attr.ProgLoadAttr;
import dev.gewyvern.syscall.kernel.Filesystems;
import dev.gewyvern.syscall.link.Tracepoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** bpf(2) for real on the running kernel: maps, BTF, programs, pins, links, object info. */
class BpfKernelTest {
    private static final int HASH = 1;
    private static final int ARRAY = 2;
    private static final int SOCKET_FILTER = 1;
    private static final int TRACEPOINT = 5;

    private final List<Fd> fds = new ArrayList<>();
    private Path pins;

    @BeforeEach
    void setUp() throws IOException {
        KernelTestSupport.requireBpf();
        Filesystems.ensureBpffs();
        pins = Path.of("/sys/fs/bpf/gewyvern-tests/syscall-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectories(pins);
    }

    @AfterEach
    void tearDown() throws IOException {
        for (int i = fds.size() - 1; i >= 0; i--) {
            fds.get(i).close();
        }
        if (pins != null) {
            try (var s = Files.list(pins)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(pins);
            try {
                Files.delete(pins.getParent());
            } catch (java.nio.file.DirectoryNotEmptyException e) {
                // another test run's folder is still there
            }
        }
    }

    private Fd keep(Fd fd) {
        fds.add(fd);
        return fd;
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    private static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(v).array();
    }

    private static long u64(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getLong();
    }

    @Test
    void hashMapUpdateLookupIterate() {
        Fd map = keep(Bpf.createMap(MapCreateAttr.of(HASH, 4, 8, 16).withName("gew_t_hash")));
        for (int k = 1; k <= 5; k++) {
            Bpf.update(map, u32(k), u64(k * 100L), 0);
        }
        assertEquals(300L, u64(Bpf.lookup(map, u32(3), 8)));
        assertNull(Bpf.lookup(map, u32(42), 8));
        Set<Integer> keys = new HashSet<>();
        byte[] key = null;
        while ((key = Bpf.nextKey(map, key, 4)) != null) {
            keys.add(ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()).getInt());
        }
        assertEquals(Set.of(1, 2, 3, 4, 5), keys);
        MapInfo info = Bpf.mapInfo(map);
        assertEquals(HASH, info.type());
        assertEquals(4, info.keySize());
        assertEquals(8, info.valueSize());
        assertEquals(16, info.maxEntries());
        assertEquals("gew_t_hash", info.name());
        assertTrue(info.id() > 0);
    }

    @Test
    void badMapIsRefusedWithTheCallNamed() {
        BpfException e = assertThrows(BpfException.class,
                () -> Bpf.createMap(MapCreateAttr.of(HASH, 0, 8, 16).withName("gew_t_bad")));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("BPF_MAP_CREATE of map 'gew_t_bad'"), e.getMessage());
    }

    @Test
    void pinThenGetGivesTheSameMap() {
        Fd map = keep(Bpf.createMap(MapCreateAttr.of(ARRAY, 4, 8, 1).withName("gew_t_pin")));
        Bpf.update(map, u32(0), u64(77), 0);
        String path = pins.resolve("m").toString();
        Bpf.pin(map, path);
        BpfException again = assertThrows(BpfException.class, () -> Bpf.pin(map, path));
        assertEquals(Errno.EEXIST, again.errno());
        Fd got = keep(Bpf.get(path, "map"));
        assertEquals(Bpf.mapInfo(map).id(), Bpf.mapInfo(got).id());
        assertEquals(77L, u64(Bpf.lookup(got, u32(0), 8)));
    }

    @Test
    void btfLoadsAndTypesAMapAndComesBack() {
        // [1] int, [2] unsigned long long
        byte[] btf = BtfWriter.write(List.of(new BtfType.Int("int", 4, BtfType.Int.SIGNED, 0, 32),
                new BtfType.Int("unsigned long long", 8, 0, 0, 64)), ByteOrder.nativeOrder());
        Fd btfFd = keep(Bpf.loadBtf(btf, "test BTF"));
        Fd map = keep(Bpf.createMap(MapCreateAttr.of(HASH, 4, 8, 4).withName("gew_t_btf")
                .withBtf(btfFd.value(), 1, 2)));
        MapInfo info = Bpf.mapInfo(map);
        assertEquals(1, info.btfKeyTypeId());
        assertEquals(2, info.btfValueTypeId());
        Btf back = Btf.parse(Bpf.btf(info.btfId()).btf());
        assertEquals(BtfKind.INT, back.kind(1));
        assertEquals("unsigned long long", back.name(2));
    }

    @Test
    void brokenBtfIsRefusedWithTheCheckersLog() {
        // an INT of 3 bytes with 64 bits cannot be
        byte[] btf = BtfWriter.write(List.of(new BtfType.Int("bad", 3, 0, 0, 64)), ByteOrder.nativeOrder());
        BpfException e = assertThrows(BpfException.class, () -> Bpf.loadBtf(btf, "bad BTF"));
        assertNotNull(e.verifierLog());
        assertFalse(e.verifierLog().isEmpty());
    }

    @Test
    void programLoadsAndARefusalCarriesTheVerifierLog() {
        byte[] ok = new Asm().movImm(0, 0).exit().bytes();
        LoadedProgram p = Bpf.loadProgram(ProgLoadAttr.of(SOCKET_FILTER, new NativeArg.In(ok), "GPL", "gew_t_ok"), 1);
        keep(p.fd());
        ProgInfo info = Bpf.progInfo(p.fd());
        assertEquals(SOCKET_FILTER, info.type());
        assertEquals("gew_t_ok", info.name());
        assertEquals(16, info.xlatedLen());

        byte[] bad = new Asm().exit().bytes(); // r0 never set
        BpfException e = assertThrows(BpfException.class, () -> Bpf.loadProgram(ProgLoadAttr.of(SOCKET_FILTER, new NativeArg.In(bad), "GPL", "gew_t_bad"), 1));
        assertEquals(Errno.EACCES, e.errno());
        assertNotNull(e.verifierLog());
        assertTrue(e.verifierLog().contains("R0 !read_ok"), e.verifierLog());
    }

    @Test
    void tracepointLinkCountsExecsUntilClosed() throws Exception {
        Fd counter = keep(Bpf.createMap(MapCreateAttr.of(ARRAY, 4, 8, 1).withName("gew_t_count")));
        byte[] prog = new Asm()
                .stW(10, -4, 0)                  // *(u32 *)(r10 - 4) = 0
                .movReg(2, 10).addImm(2, -4)     // r2 = &key
                .ldMapFd(1, counter.value())     // r1 = map
                .call(1)                         // bpf_map_lookup_elem
                .jeqImm(0, 0, 2)                 // if r0 == 0 goto out
                .movImm(1, 1)
                .atomicAdd64(0, 1, 0)            // lock *(u64 *)r0 += 1
                .movImm(0, 0).exit()             // out: return 0
                .bytes();
        LoadedProgram p = Bpf.loadProgram(ProgLoadAttr.of(TRACEPOINT, new NativeArg.In(prog), "GPL", "gew_t_tp"), 1);
        keep(p.fd());
        Fd link = Tracepoints.attach(p.fd(), "syscalls", "sys_enter_execve", 0);
        LinkInfo li = Bpf.linkInfo(link);
        assertEquals(Bpf.progInfo(p.fd()).id(), li.progId());
        for (int i = 0; i < 3; i++) {
            new ProcessBuilder("/bin/true").start().waitFor();
        }
        long counted = u64(Bpf.lookup(counter, u32(0), 8));
        assertTrue(counted >= 3, "execs counted: " + counted);
        link.close();
        new ProcessBuilder("/bin/true").start().waitFor();
        long after = u64(Bpf.lookup(counter, u32(0), 8));
        new ProcessBuilder("/bin/true").start().waitFor();
        assertEquals(after, u64(Bpf.lookup(counter, u32(0), 8)), "no counting once the link is closed");
    }

    @Test
    void unknownTracepointIsAClearError() {
        byte[] ok = new Asm().movImm(0, 0).exit().bytes();
        LoadedProgram p = Bpf.loadProgram(ProgLoadAttr.of(TRACEPOINT, new NativeArg.In(ok), "GPL", "gew_t_tp2"), 1);
        keep(p.fd());
        BpfException e = assertThrows(BpfException.class,
                () -> Tracepoints.attach(p.fd(), "syscalls", "sys_enter_no_such_call", 0));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("no such tracepoint"), e.getMessage());
    }
}
