package dev.gewyvern.session.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

import com.google.protobuf.ByteString;
import dev.gewyvern.auth.Ed25519;
import dev.gewyvern.client.GewClient;
import dev.gewyvern.proto.v1.EventMessage;
import dev.gewyvern.proto.v1.EventSource;
import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.proto.v1.RuntimeGrpc;
import dev.gewyvern.proto.v1.SignedRequest;
import dev.gewyvern.proto.v1.UpdateMode;
import dev.gewyvern.session.Engine;
import dev.gewyvern.session.JsonValues;
import dev.gewyvern.session.KernelTestSupportAccess;
import dev.gewyvern.session.PinRoot;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ReadMap, UpdateMap, DeleteMapEntry and WatchEvents over the real Unix socket: signed like every call,
 * writes only on sessions the asking control plane applied, event streams that end with the session and
 * never pile up in the runtime's memory for a client that stops reading.
 */
@org.junit.jupiter.api.Timeout(180)
class MapsAndEventsControlTest {
    private Path dir;
    private StateDir state;
    private Engine engine;
    private ControlServer server;
    private final List<GewClient> clients = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        KernelTestSupportAccess.requireBpf();
        dir = Files.createTempDirectory("gew-control-maps");
        state = new StateDir(dir.resolve("state")).open();
        engine = Engine.start(new PinRoot(PinRoot.DEFAULT), "MapsAndEventsControlTest");
        // the control plane names testdata objects by path: the server may read files there and nowhere else
        server = ControlServer.startUnix(dir.resolve("run/gew.sock"), engine,
                dev.gewyvern.session.ObjectFiles.under(KernelTestSupportAccess.testdata("obj")), state, l -> { });
    }

    @AfterEach
    void tearDown() throws IOException {
        clients.forEach(GewClient::close);
        if (server != null) {
            server.close();
        }
        if (engine != null) {
            for (String s : engine.ownSessions()) {
                engine.detach(s);
            }
            engine.close();
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private GewClient paired() {
        GewClient c = GewClient.unixSocket(server.socket(), Ed25519.generate());
        clients.add(c);
        c.pair(new Pairing(state).newToken(Identity.loadOrCreate(state), Duration.ofMinutes(10), true));
        return c;
    }

    private static Status.Code code(Runnable r) {
        return assertThrows(StatusRuntimeException.class, r::run).getStatus().getCode();
    }

    private static EventSource source(String map, String type) {
        return EventSource.newBuilder().setMap(map).setType(type).build();
    }

    @Test
    void aControlPlaneReadsAndWritesTheMapsOfTheSessionsItApplied() {
        GewClient c = paired();
        String id = c.apply(KernelTestSupportAccess.eventsPipeline()).getRecord().getSessionId();
        c.updateMap(id, "by_name", "\"bash\"", "{\"major\":4,\"minor\":1}", UpdateMode.UPDATE_ANY);
        MapContents one = c.readMap(id, "by_name", "\"bash\"");
        assertEquals("{\"major\":4,\"minor\":1}", JsonValues.text(one.getEntries(0).getValue()));
        assertEquals("struct version", one.getValueType());
        for (int k = 0; k < 30; k++) {
            c.updateMap(id, "totals", Integer.toString(k), Integer.toString(k * 2), UpdateMode.UPDATE_ANY);
        }
        int seen = 0;
        ByteString token = ByteString.EMPTY;
        do {
            MapContents page = c.readMapPage(id, "totals", token, 7);
            seen += page.getEntriesCount();
            token = page.getNextToken();
        } while (!token.isEmpty());
        assertEquals(30, seen);
        assertTrue(c.deleteMapEntry(id, "totals", "3").getExisted());
        assertFalse(c.deleteMapEntry(id, "totals", "3").getExisted());
        assertEquals(0, c.readMap(id, "totals", "3").getEntriesCount());
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> c.updateMap(id, "totals", "\"x\"", "1",
                UpdateMode.UPDATE_ANY)), "a key that is not a __u32");
        assertEquals(Status.Code.NOT_FOUND, code(() -> c.readMap(id, "nope", "1")));
        String rodata = engine.mapNames(id).stream().filter(n -> n.endsWith("_rodata")).findFirst().orElseThrow();
        assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> c.updateMap(id, rodata, "0", "{\"level_mask\":1}",
                UpdateMode.UPDATE_ANY)), "frozen");
    }

    @Test
    void sessionsAControlPlaneDidNotApplyAreReadOnlyToIt() {
        GewClient c = paired();
        String local = engine.apply(KernelTestSupportAccess.eventsPipeline(), dev.gewyvern.session.PhaseListener.SILENT, 1)
                .getSessionId();
        assertEquals(0, c.readMap(local, "totals", "1").getEntriesCount(), "reading is allowed");
        assertEquals(Status.Code.PERMISSION_DENIED, code(() -> c.updateMap(local, "totals", "1", "1",
                UpdateMode.UPDATE_ANY)));
        assertEquals(Status.Code.PERMISSION_DENIED, code(() -> c.deleteMapEntry(local, "totals", "1")));

        String mine = c.apply(KernelTestSupportAccess.eventsPipeline()).getRecord().getSessionId();
        GewClient next = paired(); // pairing another control plane replaces the first
        assertEquals(Status.Code.PERMISSION_DENIED, code(() -> next.updateMap(mine, "totals", "1", "1",
                UpdateMode.UPDATE_ANY)), "applied by the control plane paired before");
        assertEquals(Status.Code.UNAUTHENTICATED, code(() -> c.updateMap(mine, "totals", "1", "1",
                UpdateMode.UPDATE_ANY)), "the replaced control plane is no longer heard at all");
    }

    @Test
    void everyNewCallIsRefusedUnsignedOrReplayed() {
        GewClient c = paired();
        String id = c.apply(KernelTestSupportAccess.eventsPipeline()).getRecord().getSessionId();
        var stub = RuntimeGrpc.newBlockingStub(c.channel());
        List<Function<SignedRequest, Object>> calls = List.of(stub::readMap, stub::updateMap, stub::deleteMapEntry,
                r -> stub.watchEvents(r).hasNext());
        List<SignedRequest> valid = List.of(
                c.sign(dev.gewyvern.proto.v1.ReadMapRequest.newBuilder().setSessionId(id).setMap("totals")
                        .setKey(json("1")).build(), RuntimeGrpc.getReadMapMethod()),
                c.sign(dev.gewyvern.proto.v1.UpdateMapRequest.newBuilder().setSessionId(id).setMap("totals")
                        .setKey(json("1")).setValue(json("5")).build(), RuntimeGrpc.getUpdateMapMethod()),
                c.sign(dev.gewyvern.proto.v1.DeleteMapEntryRequest.newBuilder().setSessionId(id).setMap("totals")
                        .setKey(json("1")).build(), RuntimeGrpc.getDeleteMapEntryMethod()),
                c.sign(dev.gewyvern.proto.v1.WatchEventsRequest.newBuilder().setSessionId(id)
                        .addSources(source("nope", "")).build(), RuntimeGrpc.getWatchEventsMethod()));
        for (int i = 0; i < calls.size(); i++) {
            Function<SignedRequest, Object> call = calls.get(i);
            SignedRequest r = valid.get(i);
            assertEquals(Status.Code.UNAUTHENTICATED, code(() -> call.apply(SignedRequest.getDefaultInstance())),
                    "unsigned call " + i);
            assertEquals(Status.Code.UNAUTHENTICATED, code(() -> call.apply(r.toBuilder()
                    .setPayload(r.getPayload().concat(ByteString.copyFromUtf8("x"))).build())), "tampered call " + i);
            try {
                call.apply(r);
            } catch (StatusRuntimeException e) {
                // a valid request may still fail for its content (the map 'nope'): it was heard
                assertTrue(e.getStatus().getCode() != Status.Code.UNAUTHENTICATED, e.toString());
            }
            assertEquals(Status.Code.UNAUTHENTICATED, code(() -> call.apply(r)), "replayed call " + i);
        }
    }

    private static dev.gewyvern.proto.v1.MapData json(String text) {
        return dev.gewyvern.proto.v1.MapData.newBuilder().setJson(text).build();
    }

    @Test
    void eventsStreamDecodedAndTheStreamEndsWhenTheSessionIsDetached() {
        GewClient c = paired();
        String id = c.apply(KernelTestSupportAccess.eventsPipeline()).getRecord().getSessionId();
        Iterator<EventMessage> events = c.watchEvents(id, List.of(source("rb", "struct event"),
                source("perf_events", "")), 0);
        EventMessage ready = events.next();
        assertEquals(List.of("rb", "perf_events"), ready.getReady().getMapsList(), "first: every map is open");
        int cpu = dev.gewyvern.syscall.kernel.Cpus.online().nextSetBit(0);
        KernelTestSupportAccess.emit(engine.instanceId(), id, cpu, 20, 100, 3);
        List<Long> ring = new ArrayList<>();
        int perf = 0;
        while (ring.size() < 20 || perf < 20) {
            EventMessage m = events.next();
            assertTrue(m.hasEvent(), m.toString());
            if (m.getEvent().getMap().equals("rb")) {
                assertEquals("struct event", m.getEvent().getType());
                ring.add((long) m.getEvent().getEvent().getStructValue().getFieldsOrThrow("seq").getNumberValue());
            } else {
                assertEquals(cpu, m.getEvent().getCpu());
                assertTrue(m.getEvent().getEvent().getStringValue().startsWith("hex:"), "raw without a type");
                perf++;
            }
        }
        List<Long> want = new ArrayList<>();
        for (long s = 100; s < 120; s++) {
            want.add(s);
        }
        assertEquals(want, ring);
        c.detach(id);
        EventMessage last = events.next();
        assertTrue(last.hasSummary(), last.toString());
        assertEquals("session detached", last.getSummary().getEnded());
        assertFalse(events.hasNext(), "the stream ends with the session");
    }

    @Test
    void aStalledClientLosesEventsCountedInsteadOfGrowingTheRuntimesMemory() throws Exception {
        GewClient c = paired();
        String id = c.apply(KernelTestSupportAccess.eventsPipeline()).getRecord().getSessionId();
        Iterator<EventMessage> events = c.watchEvents(id, List.of(source("rb", "struct event")), 64);
        assertTrue(events.next().hasReady());
        int cpu = dev.gewyvern.syscall.kernel.Cpus.online().nextSetBit(0);
        long emitted = 0;
        for (int run = 0; run < 100; run++) { // 100,000 events while the client reads nothing
            KernelTestSupportAccess.emit(engine.instanceId(), id, cpu, 1000, emitted, 1);
            emitted += 1000;
            Thread.sleep(5);
        }
        Thread.sleep(500);
        c.detach(id);
        long received = 0;
        long dropped = 0;
        dev.gewyvern.proto.v1.EventSummary summary = null;
        while (events.hasNext()) {
            EventMessage m = events.next();
            if (m.hasEvent()) {
                received++;
            } else if (m.hasLoss()) {
                assertEquals(dev.gewyvern.proto.v1.LossCause.READER_BUFFER_FULL, m.getLoss().getCause());
                dropped += m.getLoss().getCount();
            } else {
                summary = m.getSummary();
            }
        }
        assertTrue(summary != null);
        var counts = summary.getMaps(0);
        assertEquals(received, counts.getEvents());
        assertEquals(dropped, counts.getDroppedByReader());
        // what the runtime held back for the client is bounded by its buffer and gRPC's flow-control window,
        // not by what the kernel produced: the rest was dropped and counted
        assertTrue(received < emitted / 4, received + " of " + emitted + " reached the stalled client");
        assertTrue(dropped > emitted / 2, dropped + " dropped");
    }
}
