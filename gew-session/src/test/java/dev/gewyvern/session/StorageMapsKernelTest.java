package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.gewyvern.elf.BpfMap;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.MapSize;
import dev.gewyvern.proto.v1.PinnedObject;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.proto.v1.Tracepoint;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.probes.Capabilities;
import dev.gewyvern.syscall.probes.Capability;
import jnr.ffi.LibraryLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every local-storage map type this kernel has (socket, inode, task, cgroup: testdata/src/storage.bpf.c)
 * is created by a session with max_entries 0, used, and freed: count_getppid counts this thread's
 * getppid() calls in its task storage, which the test reads through a pidfd of the thread; the socket,
 * inode and cgroup maps get a value for a socket, a file and a cgroup the test made, read back and deleted;
 * once the session is detached the maps are gone from the kernel. On a kernel without one of the types (the
 * capability report says which; 6.1 has no cgrp_storage) the session is refused before anything loads,
 * with the report's reason for each absent type and the map that needs it.
 */
class StorageMapsKernelTest {
    /** The calls the test makes on its own descriptors. */
    public interface LibC {
        int socket(int domain, int type, int protocol);

        int open(String path, int flags);

        int close(int fd);

        int getppid();

        long syscall(long number, long a, long b);
    }

    private static final Map<String, String> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("sk_counts", "sk_storage");
        TYPES.put("inode_counts", "inode_storage");
        TYPES.put("task_counts", "task_storage");
        TYPES.put("cgrp_counts", "cgrp_storage");
    }

    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private final LibC libc = LibraryLoader.create(LibC.class).load("c");
    private Engine engine;
    private Path cgroup;
    private Path file;

    @BeforeEach
    void setUp() throws Exception {
        KernelTestSupport.requireBpf();
        engine = Engine.start(root, "StorageMapsKernelTest", RiskPolicy.fromLocalCommandLine(false));
        String tag = ProcessHandle.current().pid() + "-" + Long.toString(System.nanoTime() % 1000000, 36);
        cgroup = Path.of("/sys/fs/cgroup/unified", "gws-" + tag);
        Files.createDirectory(cgroup);
        file = Files.createTempFile("gew-inode-storage", ".txt");
    }

    @AfterEach
    void tearDown() throws Exception {
        KernelTestSupport.detachAllAndClose(engine);
        if (cgroup != null) {
            Files.deleteIfExists(cgroup);
        }
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    private static Pipeline pipeline() {
        return Pipeline.newBuilder().setName("storage")
                .addObjects(dev.gewyvern.proto.v1.BpfObject.newBuilder().setId("storage")
                        .setPath(KernelTestSupport.testdata("obj/storage.bpf.o").toString()))
                .addPrograms(Program.newBuilder().setObject("storage").setName("count_getppid")
                        .setAttach(AttachTarget.newBuilder().setTracepoint(Tracepoint.newBuilder()
                                .setCategory("syscalls").setName("sys_enter_getppid"))))
                .build();
    }

    @Test
    void everyStorageTypeIsCreatedUsedAndFreed() throws Exception {
        Capabilities caps = Capabilities.withoutHelpers();
        // the report's answer; a type newer than this kernel's enum bpf_map_type is not in it (never probed)
        Map<String, dev.gewyvern.syscall.probes.Support> support = new LinkedHashMap<>();
        for (String t : TYPES.values()) {
            support.put(t, caps.find(Capability.Category.MAP_TYPE, t).map(Capability::support)
                    .orElseGet(() -> Capabilities.absentFromKernel(Capability.Category.MAP_TYPE, t)));
        }
        List<String> absent = TYPES.values().stream().filter(t -> !support.get(t).isSupported()).toList();
        if (!absent.isEmpty()) {
            // refused before anything loads, as the dry run says: each absent type with its reason and its map
            List<Requirement> needs = engine.verifyCompatibility(pipeline());
            for (Map.Entry<String, String> t : TYPES.entrySet()) {
                if (absent.contains(t.getValue())) {
                    Requirement r = needs.stream().filter(n -> n.label().equals("map type " + t.getValue()))
                            .findFirst().orElseThrow(() -> new AssertionError(needs.toString()));
                    assertEquals(Requirement.Level.NOT_SUPPORTED, r.level(), r.toString());
                    assertEquals(support.get(t.getValue()).toString(), r.reason());
                    assertEquals("storage/" + t.getKey(), r.neededBy());
                }
            }
            Requirement first = needs.stream().filter(n -> n.level() == Requirement.Level.NOT_SUPPORTED).findFirst()
                    .orElseThrow();
            SessionException e = assertThrows(SessionException.class, () -> engine.apply(pipeline(), PhaseListener.SILENT, 1));
            assertEquals(Step.COMPATIBILITY, e.step(), e.getMessage());
            assertEquals(first, e.requirement(), e.getMessage());
            assertTrue(PinRoot.childFolders(root.sessions(engine.instanceId())).isEmpty(), "nothing was staged");
            return;
        }
        SessionRecord rec = engine.apply(pipeline(), PhaseListener.SILENT, 1);
        Path maps = root.session(engine.instanceId(), rec.getSessionId()).resolve(PinRoot.MAPS);
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (PinnedObject o : rec.getObjectsList()) {
            if (o.getKind() == PinnedObject.Kind.MAP && TYPES.containsKey(o.getName())) {
                ids.put(o.getName(), o.getKernelId());
            }
        }
        assertEquals(TYPES.keySet(), ids.keySet());
        for (String name : TYPES.keySet()) {
            try (Fd fd = Bpf.get(maps.resolve(name).toString(), name)) {
                assertEquals(0, Bpf.mapInfo(fd).maxEntries(), name + ": the kernel sizes it per owner");
            }
        }
        // task storage, written by the program for this very thread
        int tid = (int) libc.syscall(gettid(), 0, 0);
        int pidfd = (int) libc.syscall(434 /* pidfd_open */, tid, 0x80 /* PIDFD_THREAD */);
        assertTrue(pidfd >= 0, "pidfd_open of thread " + tid);
        try (Fd task = Bpf.get(maps.resolve("task_counts").toString(), "task_counts")) {
            for (int i = 0; i < 3; i++) {
                libc.getppid();
            }
            byte[] v = Bpf.lookup(task, key(pidfd), 8);
            assertNotNull(v, "the program made this thread's task storage");
            assertTrue(ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getLong() >= 3, "counted this thread's calls");
            assertTrue(Bpf.delete(task, key(pidfd)));
            assertNull(Bpf.lookup(task, key(pidfd), 8));
        } finally {
            libc.close(pidfd);
        }
        // the other owners: a socket, a file's inode, a cgroup, each by a descriptor of the test's own
        int sock = libc.socket(2 /* AF_INET */, 1 /* SOCK_STREAM */, 0);
        int inode = libc.open(file.toString(), 0);
        int cg = libc.open(cgroup.toString(), 0x10000 /* O_DIRECTORY */);
        assertTrue(sock >= 0 && inode >= 0 && cg >= 0, sock + " " + inode + " " + cg);
        try {
            use(maps, "sk_counts", sock, 41);
            use(maps, "inode_counts", inode, 42);
            use(maps, "cgrp_counts", cg, 43);
        } finally {
            libc.close(sock);
            libc.close(inode);
            libc.close(cg);
        }
        engine.detach(rec.getSessionId());
        for (Map.Entry<String, Integer> e : ids.entrySet()) {
            assertTrue(freed(e.getValue()), e.getKey() + " (map id " + e.getValue() + ") is freed after detach");
        }
    }

    @Test
    void aStorageMapGivenEntriesIsRefusedWithTheReason() {
        BpfMap m = new BpfMap("task_counts", dev.gewyvern.elf.uapi.MapType.TASK_STORAGE.value(), 4, 8, 0, 1, 1, 2, 0, 0, 0);
        dev.gewyvern.proto.v1.BpfObject o = dev.gewyvern.proto.v1.BpfObject.newBuilder().setId("storage")
                .addMapSizes(MapSize.newBuilder().setMap("task_counts").setMaxEntries(64)).build();
        SessionException e = assertThrows(SessionException.class, () -> ObjectSettings.sized(o, m));
        assertTrue(e.getMessage().contains("one value per task") && e.getMessage().contains("max_entries 0")
                && e.getMessage().contains("--map-size"), e.getMessage());
        assertEquals(0, ObjectSettings.sized(o.toBuilder().clearMapSizes().build(), m).maxEntries());
    }

    private static void use(Path maps, String name, int ownerFd, long value) {
        try (Fd map = Bpf.get(maps.resolve(name).toString(), name)) {
            byte[] v = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(value).array();
            Bpf.update(map, key(ownerFd), v, 0);
            byte[] back = Bpf.lookup(map, key(ownerFd), 8);
            assertNotNull(back, name);
            assertEquals(value, ByteBuffer.wrap(back).order(ByteOrder.nativeOrder()).getLong(), name);
            assertTrue(Bpf.delete(map, key(ownerFd)), name);
            assertFalse(Bpf.delete(map, key(ownerFd)), name + ": deleted already");
        }
    }

    private static byte[] key(int fd) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(fd).array();
    }

    private static long gettid() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> 186;
            case "aarch64", "riscv64" -> 178;
            default -> throw new IllegalStateException("gettid's number on " + System.getProperty("os.arch"));
        };
    }

    /** Whether the kernel has let go of map {@code id} (freed after an RCU grace period: waited for up to 10 s). */
    private static boolean freed(int id) throws Exception {
        for (int i = 0; i < 200; i++) {
            Process p = new ProcessBuilder("bpftool", "map", "show", "id", Integer.toString(id))
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
