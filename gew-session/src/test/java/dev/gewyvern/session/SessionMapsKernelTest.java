package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.google.protobuf.ByteString;
import dev.gewyvern.proto.v1.SessionDetail;
import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.proto.v1.MapData;
import dev.gewyvern.proto.v1.MapEntry;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.proto.v1.UpdateMode;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.kernel.Cpus;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.attr.ProgTestRunAttr;
import dev.gewyvern.syscall.events.UserRingBufferWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reading and writing a session's maps through its pins, typed by BTF, on testdata's events.bpf.o. */
class SessionMapsKernelTest {
    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Engine engine;
    private SessionRecord session;

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
        engine = Engine.start(root, "SessionMapsKernelTest");
        session = engine.apply(EventsKernelTest.loadOnly(), PhaseListener.SILENT, 1);
    }

    @AfterEach
    void tearDown() {
        KernelTestSupport.detachAllAndClose(engine);
    }

    private String id() {
        return session.getSessionId();
    }

    static MapData json(String text) {
        return MapData.newBuilder().setJson(text).build();
    }

    @Test
    void aHashRoundTripsByJsonAndPagesThroughEveryEntry() {
        for (int k = 0; k < 50; k++) {
            engine.updateMap(id(), "totals", json(Integer.toString(k)), json(Long.toString(k * 1000L)), UpdateMode.UPDATE_ANY);
        }
        MapContents one = engine.lookupMap(id(), "totals", json("7"));
        assertEquals(1, one.getEntriesCount());
        MapEntry e = one.getEntriesList().get(0);
        assertEquals("7", e.getKeyText());
        assertEquals("7000", e.getValueText());
        assertEquals("7000", JsonValues.text(e.getValue()));
        assertEquals(7000, e.getUnsignedValue());
        assertEquals("__u32", one.getKeyType());
        assertEquals(0, engine.lookupMap(id(), "totals", json("99")).getEntriesCount(), "absent: no entry");

        SessionException dup = assertThrows(SessionException.class, () -> engine.updateMap(id(), "totals", json("7"),
                json("1"), UpdateMode.UPDATE_NOEXIST));
        assertTrue(dup.getMessage().contains("map 'totals'") && dup.getMessage().contains("EEXIST"), dup.getMessage());
        assertTrue(engine.deleteMapEntry(id(), "totals", json("7")));
        assertFalse(engine.deleteMapEntry(id(), "totals", json("7")));

        Set<String> keys = new HashSet<>();
        byte[] token = null;
        do {
            MapContents page = engine.readMap(id(), "totals", token, 8);
            page.getEntriesList().forEach(x -> assertTrue(keys.add(JsonValues.text(x.getKey())), "twice: " + x.getKeyText()));
            token = page.getNextToken().isEmpty() ? null : page.getNextToken().toByteArray();
        } while (token != null);
        assertEquals(49, keys.size());
        assertEquals(49, engine.describeMap(id(), "totals", 10).getTotalEntries());
    }

    @Test
    void structValuesAndStringKeysTakeJsonObjectsAndStrings() {
        engine.updateMap(id(), "by_name", json("\"bash\""), json("{\"major\":5,\"minor\":2}"), UpdateMode.UPDATE_ANY);
        MapEntry e = engine.lookupMap(id(), "by_name", json("\"bash\"")).getEntries(0);
        assertEquals("\"bash\"", e.getKeyText());
        assertEquals("{major=5, minor=2}", e.getValueText());
        assertEquals("{\"major\":5,\"minor\":2}", JsonValues.text(e.getValue()));
        byte[] raw = new byte[16];
        raw[0] = 'b';
        raw[1] = 'a';
        raw[2] = 's';
        raw[3] = 'h';
        assertArrayEquals(raw, e.getKeyRaw().toByteArray());
        // raw bytes, as "hex:…" or as bytes, reach the same entry
        assertEquals(1, engine.lookupMap(id(), "by_name", json("\"hex:62617368000000000000000000000000\""))
                .getEntriesCount());
        assertEquals(1, engine.lookupMap(id(), "by_name", MapData.newBuilder().setRaw(ByteString.copyFrom(raw))
                .build()).getEntriesCount());
        SessionException bad = assertThrows(SessionException.class, () -> engine.updateMap(id(), "by_name",
                json("\"bash\""), json("{\"major\":5,\"patch\":1}"), UpdateMode.UPDATE_ANY));
        assertTrue(bad.getMessage().contains("struct version has no member patch (its members: major, minor)"),
                bad.getMessage());
        SessionException big = assertThrows(SessionException.class, () -> engine.updateMap(id(), "by_name",
                json("\"a name longer than sixteen\""), json("{}"), UpdateMode.UPDATE_ANY));
        assertTrue(big.getMessage().contains("char[16] holds 16"), big.getMessage());
    }

    @Test
    void anLruHashOfStructsRoundTrips() {
        String ev = "{\"seq\":9,\"pid\":1,\"cpu\":0,\"comm\":\"init\",\"kind\":\"EV_EXEC\",\"flags\":5,\"level\":17,"
                + "\"detail\":{\"code\":4,\"bytes\":[4,0,0,0]},\"version\":{\"major\":1,\"minor\":2},\"delta\":[-1,0,2]}";
        engine.updateMap(id(), "recent", json("9"), json(ev), UpdateMode.UPDATE_ANY);
        assertEquals(ev, JsonValues.text(engine.lookupMap(id(), "recent", json("9")).getEntries(0).getValue()));
    }

    @Test
    void perCpuValuesAreOnePerPossibleCpu() {
        int cpus = Cpus.possible();
        engine.updateMap(id(), "rb_dropped", json("0"), json("3"), UpdateMode.UPDATE_ANY);
        MapEntry e = engine.lookupMap(id(), "rb_dropped", json("0")).getEntries(0);
        assertEquals(cpus, e.getCpuValuesTextCount());
        assertEquals(3L * cpus, e.getUnsignedValue(), "the sum over CPUs");
        StringBuilder list = new StringBuilder("[");
        for (int c = 0; c < cpus; c++) {
            list.append(c == 0 ? "" : ",").append(c + 1);
        }
        engine.updateMap(id(), "rb_dropped", json("0"), json(list.append(']').toString()), UpdateMode.UPDATE_ANY);
        e = engine.lookupMap(id(), "rb_dropped", json("0")).getEntries(0);
        assertEquals(list.toString(), JsonValues.text(e.getValue()));
        assertTrue(e.getValueText().startsWith("{cpu0=1"), e.getValueText());
        SessionException wrong = assertThrows(SessionException.class, () -> engine.updateMap(id(), "rb_dropped",
                json("0"), json("[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19]"), UpdateMode.UPDATE_ANY));
        assertTrue(wrong.getMessage().contains("one per possible CPU"), wrong.getMessage());
    }

    @Test
    void frozenAndEventMapsRefuseWritesWithTheReason() {
        String rodata = engine.mapNames(id()).stream().filter(n -> n.endsWith("_rodata")).findFirst().orElseThrow();
        MapContents ro = engine.describeMap(id(), rodata, 10);
        assertTrue(ro.getFrozen());
        assertEquals("{level_mask=31}", ro.getEntries(0).getValueText());
        SessionException e = assertThrows(SessionException.class, () -> engine.updateMap(id(), rodata, json("0"),
                json("{\"level_mask\":1}"), UpdateMode.UPDATE_ANY));
        assertTrue(e.getMessage().contains("is frozen (BPF_MAP_FREEZE)"), e.getMessage());
        e = assertThrows(SessionException.class, () -> engine.updateMap(id(), "perf_events", json("0"), json("1"),
                UpdateMode.UPDATE_ANY));
        assertTrue(e.getMessage().contains("a perf buffer reader (`--events`) sets"), e.getMessage());
        e = assertThrows(SessionException.class, () -> engine.deleteMapEntry(id(), "rb", json("0")));
        assertTrue(e.getMessage().contains("a ring buffer has no entries"), e.getMessage());
        e = assertThrows(SessionException.class, () -> engine.lookupMap(id(), "nope", json("0")));
        assertTrue(e.getMessage().startsWith("no map 'nope' in session"), e.getMessage());
    }

    @Test
    void everyMapDescribesItselfAndNoneFailsTheShow() throws Exception {
        Fd emit = Bpf.get(root.session(engine.instanceId(), id()).resolve(PinRoot.PROGS).resolve("emit").toString(),
                "prog");
        try (emit) {
            EventsKernelTest.emit(emit, 0, 3, 0, EventsKernelTest.RING, 0);
        }
        SessionDetail v = engine.show(id(), 5);
        for (MapContents m : v.getMapsList()) {
            assertEquals("", m.getReadError(), m.getName());
        }
        MapContents rb = v.getMapsList().stream().filter(m -> m.getName().equals("rb")).findFirst().orElseThrow();
        assertEquals(256 * 1024, rb.getRing().getSize());
        assertEquals(0, rb.getRing().getConsumer());
        assertTrue(rb.getRing().getProducer() > 0, "three records wait");
        MapContents perf = v.getMapsList().stream().filter(m -> m.getName().equals("perf_events")).findFirst().orElseThrow();
        assertEquals(0, perf.getPerfEventCpusCount(), "nothing reads it");
        MapContents commands = v.getMapsList().stream().filter(m -> m.getName().equals("commands")).findFirst().orElseThrow();
        assertEquals("user_ringbuf", commands.getType());
        assertEquals(4096, commands.getRing().getSize());
    }

    @Test
    void aUserRingBufferCarriesRecordsToTheProgramInOrder() throws Exception {
        var dir = root.session(engine.instanceId(), id());
        try (Fd map = Bpf.get(dir.resolve(PinRoot.MAPS).resolve("commands").toString(), "map 'commands'");
             Fd drain = Bpf.get(dir.resolve(PinRoot.PROGS).resolve("drain").toString(), "prog");
             UserRingBufferWriter w = UserRingBufferWriter.open(map, "commands")) {
            int written = 0;
            for (int i = 1; i <= 300; i++) {
                byte[] cmd = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putInt(0, i % 3).putLong(8, i).array();
                while (!w.offer(cmd, 0, cmd.length)) {
                    // full (4096 bytes hold 170 commands of 24): let the program drain it
                    assertTrue(Bpf.testRun(ProgTestRunAttr.withContext(drain.value(), new byte[8])).retval() > 0);
                }
                written++;
            }
            Bpf.testRun(ProgTestRunAttr.withContext(drain.value(), new byte[8]));
            assertEquals(300, written);
            assertEquals(0, w.pending());
        }
        long all = 0;
        for (int op = 0; op < 3; op++) {
            all += engine.lookupMap(id(), "totals", json(Integer.toString(op))).getEntries(0).getUnsignedValue();
        }
        assertEquals(300 * 301 / 2, all, "every command's value reached the program once");
    }
}
