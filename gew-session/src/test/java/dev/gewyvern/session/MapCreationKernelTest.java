package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.elf.BpfMap;
import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.attr.MapCreateAttr;
import dev.gewyvern.syscall.kernel.KernelTypes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Map creation as libbpf does it, held against the running kernel: the map types created without BTF
 * key/value types are the ones whose BTF this kernel refuses (map_check_no_btf: ENOTSUPP), their numbers
 * are the kernel's own, and a map whose BTF types the kernel refuses for any other reason is made again
 * without them, saying so.
 */
class MapCreationKernelTest {
    private Btf btf;
    private byte[] btfBytes;
    private int u32;
    private int u64;

    @BeforeEach
    void setUp() throws Exception {
        KernelTestSupport.requireBpf();
        BpfObject o = BpfObject.parse(Files.readAllBytes(KernelTestSupport.testdata("obj/maps.bpf.o")));
        btfBytes = o.kernelBtf().orElseThrow();
        btf = o.btf().orElseThrow();
        u32 = btf.find(BtfKind.TYPEDEF, "__u32");
        u64 = btf.find(BtfKind.TYPEDEF, "__u64");
        assertTrue(u32 > 0 && u64 > 0);
    }

    @Test
    void theBtfLessTypesAreTheKernelsOwnNumbers() {
        // one way, as UapiEnumsKernelTest: a type the kernel has is at its number; one newer than the kernel (6.1
        // has no arena, no cgrp_storage) has a number past the kernel's last, so it never names another type here
        Map<String, Integer> kernel = KernelTypes.running().mapTypes();
        int end = kernel.values().stream().mapToInt(v -> v + 1).max().orElseThrow();
        List<MapType> types = new ArrayList<>(MapCreation.BTF_LESS);
        types.addAll(ObjectSettings.OWNER_SIZED);
        for (MapType t : types) {
            Integer k = kernel.get(t.name().toLowerCase(java.util.Locale.ROOT));
            if (k == null) {
                assertTrue(t.value() >= end, t + " is newer than this kernel, but its number " + t.value()
                        + " is one the kernel's enum bpf_map_type uses (it ends at " + end + ")");
            } else {
                assertEquals(t.value(), k, t + " in the kernel's enum bpf_map_type");
            }
        }
    }

    /** A map of each BTF-less type this kernel can create from user space, at a size it accepts. */
    private static BpfMap sample(int type, int keyType, int valueType) {
        return switch (type) {
            case 7 -> new BpfMap("s", type, 4, 8, 4, 0, keyType, valueType, 0, 0, 0);       // stack_trace
            case 22, 23 -> new BpfMap("s", type, 0, 8, 4, 0, 0, valueType, 0, 0, 0);        // queue, stack
            case 33 -> null;                                                                 // arena: no key, no value
            default -> new BpfMap("s", type, 4, 4, 4, 0, keyType, keyType, 0, 0, 0);
        };
    }

    @Test
    void theKernelRefusesBtfForEveryBtfLessTypeAndGewCreatesThemWithout() {
        List<String> checked = new ArrayList<>();
        try (Fd btfFd = Bpf.loadBtf(btfBytes, "maps");
             Fd inner = Bpf.createMap(MapCreateAttr.of(MapType.ARRAY, 4, 8, 1).withName("gew_inner"))) {
            for (MapType t : MapCreation.BTF_LESS) {
                int type = t.value();
                BpfMap m = sample(type, u32, type == 7 || type == 22 || type == 23 ? u64 : u32);
                if (m == null) {
                    continue;
                }
                int innerFd = type == 12 || type == 13 ? inner.value() : 0;
                MapCreateAttr typed = MapCreateAttr.of(m.type(), m.keySize(), m.valueSize(), m.maxEntries())
                        .withInnerMap(innerFd).withName("gew_btf_less")
                        .withBtf(btfFd.value(), m.btfKeyTypeId(), m.btfValueTypeId());
                BpfException refused = assertThrows(BpfException.class, () -> Bpf.createMap(typed).close(),
                        t.name() + " with BTF key/value types");
                assertTrue(refused.errno() == Errno.ENOTSUPP || refused.errno() == Errno.EINVAL,
                        t.name() + ": " + refused.getMessage());
                assertFalse(MapCreation.typed(m));
                MapCreation.Created c = MapCreation.create(m, "gew_btf_less", btfFd, innerFd);
                try (Fd fd = c.fd()) {
                    assertFalse(c.btfDropped(), "created without BTF from the start, no retry");
                    assertEquals(0, Bpf.mapInfo(fd).btfValueTypeId());
                }
                checked.add(t.name());
            }
        }
        assertTrue(checked.contains("CGROUP_ARRAY") && checked.contains("PERF_EVENT_ARRAY")
                && checked.size() >= 10, checked.toString());
    }

    @Test
    void aMapWhoseBtfTheKernelRefusesIsMadeAgainWithoutItAndSaysSo() {
        try (Fd btfFd = Bpf.loadBtf(btfBytes, "maps")) {
            // an 8-byte key typed as the 4-byte __u32: the kernel's map_check_btf refuses the pair
            BpfMap m = new BpfMap("mismatch", 1, 8, 8, 4, 0, u32, u64, 0, 0, 0);
            assertTrue(MapCreation.typed(m));
            MapCreation.Created c = MapCreation.create(m, "gew_mismatch", btfFd, 0);
            try (Fd fd = c.fd()) {
                assertTrue(c.btfDropped());
                assertNotNull(c.why());
                assertTrue(c.why().contains("EINVAL") && c.why().contains("without"), c.why());
                assertEquals(0, Bpf.mapInfo(fd).btfKeyTypeId());
                assertEquals(8, Bpf.mapInfo(fd).keySize());
            }
            BpfMap good = new BpfMap("good", 1, 4, 8, 4, 0, u32, u64, 0, 0, 0);
            MapCreation.Created typed = MapCreation.create(good, "gew_good", btfFd, 0);
            try (Fd fd = typed.fd()) {
                assertFalse(typed.btfDropped());
                assertEquals(u64, Bpf.mapInfo(fd).btfValueTypeId());
            }
        }
    }

    @Test
    void aMapTheKernelRefusesWithoutBtfTooIsTheKernelsErrorAsItIs() {
        try (Fd btfFd = Bpf.loadBtf(btfBytes, "maps")) {
            BpfMap m = new BpfMap("huge_key", 1, 4, 8, 0, 0, u32, u64, 0, 0, 0); // max_entries 0: EINVAL either way
            BpfException e = assertThrows(BpfException.class, () -> MapCreation.create(m, "gew_bad", btfFd, 0));
            assertEquals(Errno.EINVAL, e.errno());
            assertFalse(e.getMessage().contains("not supported by this kernel"), e.getMessage());
        }
    }
}
