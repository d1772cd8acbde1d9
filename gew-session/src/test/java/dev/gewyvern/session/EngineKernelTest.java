package dev.gewyvern.session;

import dev.gewyvern.proto.v1.SessionDetail;
import dev.gewyvern.proto.v1.MapEntry;
import dev.gewyvern.proto.v1.MapContents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.ObjectKind;
import dev.gewyvern.proto.v1.Phase;
import dev.gewyvern.proto.v1.PinnedObject;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.proto.v1.Tracepoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sessions applied for real: committed under the pin root, visible, counted, detached without a trace. */
class EngineKernelTest {

    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Engine engine;

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
        engine = Engine.start(root, "EngineKernelTest");
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
            assertFalse(Files.exists(root.instance(engine.instanceId()), LinkOption.NOFOLLOW_LINKS),
                    "the instance folder is gone after close");
        }
    }

    static Program tp(String name, String category, String event) {
        return Program.newBuilder().setObject("execcount").setName(name).setAttach(AttachTarget.newBuilder()
                .setTracepoint(Tracepoint.newBuilder().setCategory(category).setName(event))).build();
    }

    static Pipeline.Builder execcount() {
        return Pipeline.newBuilder().setName("enginetest")
                .addObjects(BpfObject.newBuilder().setId("execcount")
                        .setPath(KernelTestSupport.testdata("obj/execcount.bpf.o").toString()))
                .addPrograms(tp("count_execs", "syscalls", "sys_enter_execve"))
                .addPrograms(tp("count_exits", "sched", "sched_process_exit"));
    }

    /** Kernel program ids still alive, judged by bpftool (a test may look; the runtime never does). */
    static boolean progExists(int id) throws Exception {
        for (int i = 0; i < 40; i++) {
            Process p = new ProcessBuilder("bpftool", "prog", "show", "id", Integer.toString(id))
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                return false;
            }
            Thread.sleep(50); // the kernel frees unpinned programs after an RCU grace period
        }
        return true;
    }

    @Test
    void applyCommitsCountsAndDetachLeavesNothing() throws Exception {
        List<PhaseEvent> events = new ArrayList<>();
        SessionRecord rec = engine.apply(execcount().build(), events::add, 1);
        assertEquals(Phase.COMMITTED, rec.getPhase());
        assertEquals(List.of(Phase.CREATED, Phase.STAGED, Phase.VERIFIED, Phase.VERIFIED, Phase.ATTACHED, Phase.ATTACHED,
                Phase.COMMITTED), events.stream().map(PhaseEvent::phase).toList(), "one event per step and program");
        for (PhaseEvent e : events) {
            assertEquals(rec.getSessionId(), e.sessionId());
        }
        // the events name what the record pinned, by kind, name and kernel id
        for (PhaseEvent e : events.subList(2, 6)) {
            var kind = e.phase() == Phase.VERIFIED ? PinnedObject.Kind.PROGRAM : PinnedObject.Kind.LINK;
            assertTrue(rec.getObjectsList().stream().anyMatch(o -> o.getKind() == kind && o.getName().equals(e.name())
                    && o.getKernelId() == e.kernelId() && e.kernelId() > 0), e + " in " + rec.getObjectsList());
        }
        Path dir = root.session(engine.instanceId(), rec.getSessionId());
        for (String pin : List.of("record", "maps/exec_counts", "maps/exit_counts", "progs/count_execs",
                "progs/count_exits", "links/count_execs", "links/count_exits")) {
            assertTrue(Files.exists(dir.resolve(pin), LinkOption.NOFOLLOW_LINKS), pin);
        }
        assertFalse(Files.exists(root.instance(engine.instanceId()).resolve("staging").resolve(rec.getSessionId())));

        for (int i = 0; i < 3; i++) {
            new ProcessBuilder("/bin/true").start().waitFor();
        }
        SessionDetail view = engine.show(rec.getSessionId(), 100);
        assertEquals(Phase.COMMITTED, view.getRecord().getPhase());
        assertTrue(view.getOwnerRunning());
        MapContents exits = view.getMapsList().stream().filter(m -> m.getName().equals("exit_counts")).findFirst().orElseThrow();
        assertEquals("char[16]", exits.getKeyType());
        assertEquals("__u64", exits.getValueType());
        assertEquals("hash", exits.getType());
        long trues = exits.getEntriesList().stream().filter(e -> e.getKeyText().equals("\"true\""))
                .mapToLong(e -> Long.parseLong(e.getValueText())).sum();
        assertTrue(trues >= 3, "exits of 'true' counted: " + exits.getEntriesList());
        assertEquals(2, view.getProgramsList().size());
        assertTrue(view.getProgramsList().stream().allMatch(p -> p.getType().equals("tracepoint")));

        assertTrue(engine.list().getSessionsList().stream().anyMatch(s -> s.getRecord().getSessionId().equals(rec.getSessionId())));

        List<Integer> progIds = rec.getObjectsList().stream().filter(o -> o.getKind() == PinnedObject.Kind.PROGRAM)
                .map(PinnedObject::getKernelId).map(Integer::valueOf).toList();
        assertEquals(2, progIds.size());
        assertEquals(7, engine.detach(rec.getSessionId()));
        assertFalse(Files.exists(dir, LinkOption.NOFOLLOW_LINKS));
        for (int id : progIds) {
            assertFalse(progExists(id), "program " + id + " is gone from the kernel");
        }
        assertFalse(engine.exists(rec.getSessionId()));
    }

    @Test
    void aSessionIsFoundByAUniqueStartOfItsIdAndAnAmbiguousOneIsAUsageError() {
        String name = "prefix" + ProcessHandle.current().pid();
        SessionRecord a = engine.apply(execcount().setName(name).build(), PhaseListener.SILENT, 1);
        String id = a.getSessionId();
        assertEquals(id, engine.show(name, 0).getRecord().getSessionId(), "the only session whose id starts so");
        SessionRecord b = engine.apply(execcount().setName(name).build(), PhaseListener.SILENT, 1);
        SessionException ambiguous = assertThrows(SessionException.class, () -> engine.show(name, 0));
        assertEquals(SessionException.Kind.INVALID, ambiguous.kind());
        assertEquals(Step.SHOW, ambiguous.step());
        assertTrue(ambiguous.getMessage().contains(id) && ambiguous.getMessage().contains(b.getSessionId()),
                ambiguous.getMessage());
        assertFalse(engine.exists(name), "exists() takes whole ids only");
        int common = 0;
        while (id.charAt(common) == b.getSessionId().charAt(common)) {
            common++;
        }
        assertEquals(7, engine.detach(id.substring(0, common + 1)), "detach by a unique start");
        assertFalse(engine.exists(id));
        assertTrue(engine.exists(b.getSessionId()));
        engine.detach(b.getSessionId());
    }

    @Test
    void failureAtAttachRollsBackEverything() throws Exception {
        List<PhaseEvent> events = new ArrayList<>();
        Pipeline p = execcount().setPrograms(1, tp("count_exits", "sched", "no_such_event_gew")).build();
        SessionException e = assertThrows(SessionException.class, () -> engine.apply(p, events::add, 1));
        assertEquals(Step.ATTACH, e.step());
        assertEquals(SessionException.Kind.NOT_FOUND, e.kind(), "the kernel has no such tracepoint");
        assertTrue(e.getMessage().contains("no such tracepoint"), e.getMessage());
        List<Integer> loaded = events.stream().filter(ev -> ev.phase() == Phase.VERIFIED
                && ev.kind() == ObjectKind.OBJECT_KIND_PROGRAM).map(PhaseEvent::kernelId).toList();
        assertEquals(2, loaded.size(), events.toString());
        assertEquals(Phase.ROLLED_BACK, events.get(events.size() - 1).phase(), events.toString());
        for (int id : loaded) {
            assertFalse(progExists(id), "program " + id + " was rolled back");
        }
        assertTrue(PinRoot.childFolders(root.sessions(engine.instanceId())).isEmpty());
        assertTrue(PinRoot.childFolders(root.instance(engine.instanceId()).resolve("staging")).isEmpty());
    }

    @Test
    void unknownProgramAndBrokenObjectAreClearErrorsThatLeaveNothing() throws IOException {
        SessionException missing = assertThrows(SessionException.class, () -> engine.apply(
                execcount().setPrograms(0, tp("no_such_prog", "syscalls", "sys_enter_execve")).build(),
                PhaseListener.SILENT, 1));
        assertEquals(Step.VERIFY, missing.step());
        assertEquals(SessionException.Kind.INVALID, missing.kind());
        assertTrue(missing.getMessage().contains("has no program 'no_such_prog'"), missing.getMessage());
        assertTrue(missing.getMessage().contains("count_execs"), "names the programs it has: " + missing.getMessage());

        Path junk = Files.createTempFile("gew-junk", ".o");
        try {
            Files.write(junk, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0});
            Pipeline p = execcount().setObjects(0, BpfObject.newBuilder().setId("execcount").setPath(junk.toString()))
                    .build();
            SessionException broken = assertThrows(SessionException.class, () -> engine.apply(p, PhaseListener.SILENT, 1));
            assertEquals(Step.STAGE, broken.step());
            assertEquals(SessionException.Kind.INVALID, broken.kind());
            assertTrue(broken.getMessage().contains("is not a usable BPF object"), broken.getMessage());
        } finally {
            Files.delete(junk);
        }
        assertTrue(PinRoot.childFolders(root.sessions(engine.instanceId())).isEmpty());
    }

    @Test
    void initialMapValuesFromThePipelineAreWrittenBeforeProgramsLoad() {
        byte[] key = java.util.Arrays.copyOf("seeded".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 16);
        byte[] value = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder()).putLong(42).array();
        Pipeline p = execcount().setObjects(0, execcount().getObjects(0).toBuilder()
                .addMapValues(dev.gewyvern.proto.v1.MapValues.newBuilder().setMap("exit_counts")
                        .addEntries(dev.gewyvern.proto.v1.MapEntryValue.newBuilder()
                                .setKey(com.google.protobuf.ByteString.copyFrom(key))
                                .setValue(com.google.protobuf.ByteString.copyFrom(value))))).build();
        SessionRecord rec = engine.apply(p, PhaseListener.SILENT, 1);
        MapContents exits = engine.show(rec.getSessionId(), 1000).getMapsList().stream()
                .filter(m -> m.getName().equals("exit_counts")).findFirst().orElseThrow();
        assertTrue(exits.getEntriesList().stream().anyMatch(e -> e.getKeyText().equals("\"seeded\"") && e.getValueText().equals("42")),
                exits.getEntriesList().toString());
        engine.detach(rec.getSessionId());

        Pipeline wrong = execcount().setObjects(0, execcount().getObjects(0).toBuilder()
                .addMapValues(dev.gewyvern.proto.v1.MapValues.newBuilder().setMap("exit_counts")
                        .addEntries(dev.gewyvern.proto.v1.MapEntryValue.newBuilder()
                                .setKey(com.google.protobuf.ByteString.copyFrom(new byte[3]))
                                .setValue(com.google.protobuf.ByteString.copyFrom(value))))).build();
        SessionException e = assertThrows(SessionException.class, () -> engine.apply(wrong, PhaseListener.SILENT, 1));
        assertTrue(e.getMessage().contains("map_values['exit_counts'].entries[0]: key is 3 bytes"), e.getMessage());
        assertTrue(PinRoot.childFolders(root.sessions(engine.instanceId())).isEmpty());
    }

    @Test
    void aWrongSha256IsRefusedBeforeTheKernelIsTouched() {
        Pipeline p = execcount().setObjects(0, execcount().getObjects(0).toBuilder().setSha256("0".repeat(64))).build();
        SessionException e = assertThrows(SessionException.class, () -> engine.apply(p, PhaseListener.SILENT, 1));
        assertEquals(Step.STAGE, e.step());
        assertEquals(SessionException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    }

    @Test
    void aPreparedPipelineIsCheckedAndLoadedFromTheSameBytes(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path copy = dir.resolve("execcount.bpf.o");
        Files.copy(KernelTestSupport.testdata("obj/execcount.bpf.o"), copy);
        PreparedPipeline p = PreparedPipeline.of(execcount().setObjects(0, execcount().getObjects(0).toBuilder()
                .setPath(copy.toString())).build());
        Files.write(copy, new byte[] {0x7f, 'E', 'L', 'F'}); // replaced after the check: never read again
        assertFalse(engine.verifyCompatibility(p).isEmpty());
        assertEquals(2, engine.plan(p).stream().filter(c -> c.startsWith("BPF_PROG_LOAD")).count());
        SessionRecord rec = engine.apply(p, PhaseListener.SILENT, 1);
        assertEquals(2, rec.getObjectsList().stream().filter(o -> o.getKind() == PinnedObject.Kind.PROGRAM).count());
        engine.detach(rec.getSessionId());
    }

    /** This boot's capability cache file as a probe of execcount writes it into a folder of its own. */
    private Path probedCache(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path first = Files.createDirectory(dir.resolve("first"));
        try (Engine probing = Engine.observe(root)) {
            probing.capabilityCacheAt(first);
            probing.verifyCompatibility(execcount().build());
        }
        try (var files = Files.list(first)) {
            return files.filter(f -> f.getFileName().toString().startsWith("capabilities-")).findFirst()
                    .orElseThrow();
        }
    }

    /** Writes {@code body} with a valid checksum as the cache {@code engine} reads next, and returns that file. */
    private Path cacheWithLie(Path dir, Path written, String body) throws IOException {
        assertTrue(body.contains("invented"), body);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Path second = Files.createDirectory(dir.resolve("second"));
        Path cache = second.resolve(written.getFileName());
        Files.writeString(cache, body + "crc32 " + Long.toHexString(crc.getValue()) + "\n");
        engine.capabilityCacheAt(second);
        return cache;
    }

    @Test
    void aCachedRefusalIsProbedAgainBeforeThePipelineIsRefused(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        // this boot's cache as a probe run writes it, then a lie in it: tracepoint programs not supported
        Path written = probedCache(dir);
        String text = Files.readString(written);
        String body = text.substring(0, text.lastIndexOf("crc32 ")).replaceAll(
                "(?m)^PROGRAM_TYPE\\t\\ttracepoint\\t.*$",
                "PROGRAM_TYPE\t\ttracepoint\tnot supported\tABSENT\tinvented");
        Path cache = cacheWithLie(dir, written, body);

        List<Requirement> reqs = engine.verifyCompatibility(execcount().build());
        assertTrue(reqs.stream().noneMatch(r -> r.level() == Requirement.Level.NOT_SUPPORTED), reqs.toString());
        assertFalse(Files.readString(cache).contains("invented"), "the fresh answers were written back");
    }

    @Test
    void theHelpersAPipelineWasProbedForAreKeptForTheNextCommandAndACachedHelperRefusalIsProbedAgain(
            @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path written = probedCache(dir);
        // count_execs (a tracepoint program) calls these: each pair probed once, and kept (unless this process
        // probed every helper already, as another test may have: then no pair needed a probe of its own)
        String text = Files.readString(written);
        boolean allHelpers = dev.gewyvern.syscall.probes.Capabilities.withoutHelpers().hasHelpers();
        for (String helper : List.of("get_current_comm", "map_lookup_elem", "map_update_elem")) {
            assertTrue(allHelpers || text.contains("HELPER\ttracepoint\t" + helper + "\tsupported\t"), text);
        }
        // the next command reads them; a lie in one (a helper tracepoints cannot call) is probed again
        String lie = "HELPER\ttracepoint\tmap_update_elem\tnot supported\tABSENT\tinvented";
        String body = text.substring(0, text.lastIndexOf("crc32 ")).replaceAll(
                "(?m)^HELPER\\ttracepoint\\tmap_update_elem\\t.*\n", "") + lie + "\n";
        Path cache = cacheWithLie(dir, written, body);

        List<Requirement> reqs = engine.verifyCompatibility(execcount().build());
        assertTrue(reqs.stream().noneMatch(r -> r.level() == Requirement.Level.NOT_SUPPORTED), reqs.toString());
        String rewritten = Files.readString(cache);
        assertFalse(rewritten.contains("invented"), "the fresh answers were written back");
        assertTrue(allHelpers || rewritten.contains("HELPER\ttracepoint\tmap_update_elem\tsupported\t"), rewritten);
    }

    @Test
    void closingTheEngineDetachesItsSessions() {
        SessionRecord rec = engine.apply(execcount().build(), PhaseListener.SILENT, 1);
        Path dir = root.session(engine.instanceId(), rec.getSessionId());
        assertTrue(Files.isDirectory(dir));
        engine.close();
        assertFalse(Files.exists(dir, LinkOption.NOFOLLOW_LINKS));
        assertNotNull(engine.instanceId());
    }

    @Test
    void anotherEngineSeesALiveSessionAndDoesNotCleanIt() {
        SessionRecord rec = engine.apply(execcount().build(), PhaseListener.SILENT, 1);
        try (Engine other = Engine.observe(root)) {
            assertTrue(other.cleanedAtStart().stream().noneMatch(l -> l.contains(engine.instanceId())));
            assertTrue(other.exists(rec.getSessionId()));
        }
        assertTrue(engine.exists(rec.getSessionId()));
    }
}
