package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.proto.v1.InstanceRecord;
import dev.gewyvern.proto.v1.Owner;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.attr.MapCreateAttr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * gewyvern never touches what is not its own: another tool's pins elsewhere in bpffs survive every
 * command and every cleanup, and symbolic links planted inside the pin root are unlinked, never followed.
 */
class PinRootHygieneKernelTest {
    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Path otherTool;
    private Fd otherMap;
    private int otherMapId;

    @BeforeEach
    void setUp() throws IOException {
        KernelTestSupport.requireBpf();
        root.prepare();
        otherTool = Path.of("/sys/fs/bpf/gew-test-othertool-" + ProcessHandle.current().pid());
        Files.createDirectories(otherTool);
        otherMap = Bpf.createMap(MapCreateAttr.of(MapType.ARRAY, 4, 8, 1).withName("other_tool"));
        otherMapId = Bpf.mapInfo(otherMap).id();
        Bpf.pin(otherMap, otherTool.resolve("their_map").toString());
    }

    @AfterEach
    void tearDown() throws IOException {
        if (otherMap != null) {
            otherMap.close();
        }
        if (otherTool != null) {
            Files.deleteIfExists(otherTool.resolve("their_map"));
            Files.deleteIfExists(otherTool);
        }
        root.pruneEmpty();
    }

    private void assertOtherToolUntouched() {
        assertTrue(Files.exists(otherTool.resolve("their_map"), LinkOption.NOFOLLOW_LINKS), "their pin is still there");
        try (Fd fd = Bpf.get(otherTool.resolve("their_map").toString(), "map")) {
            assertEquals(otherMapId, Bpf.mapInfo(fd).id(), "and it is the same map");
        }
    }

    /** An instance folder whose owner is a process that has ended. */
    private String deadInstance() throws Exception {
        Process p = new ProcessBuilder("/bin/true").start();
        p.waitFor();
        String iid = "i0dead" + Long.toHexString(System.nanoTime() & 0xfffff);
        PinRoot.mkdir(root.instance(iid));
        InstanceRecord rec = InstanceRecord.newBuilder().setInstanceId(iid).setOwner(Owner.newBuilder().setPid(p.pid())
                .setStartTimeTicks(1).setBootId(OwnerIdentity.bootId())).build();
        try (RecordMap m = RecordMap.create("gew_owner", rec.getSerializedSize())) {
            m.write(rec);
            Bpf.pin(m.fd(), root.instance(iid).resolve(PinRoot.OWNER).toString());
        }
        return iid;
    }

    @Test
    void plantedSymlinksAreUnlinkedNeverFollowed() throws Exception {
        String iid = deadInstance();
        Path sessions = root.sessions(iid);
        PinRoot.mkdir(sessions);
        Path session = sessions.resolve("s-planted");
        PinRoot.mkdir(session);
        PinRoot.mkdir(session.resolve(PinRoot.MAPS));
        // links into another tool's corner, at every level a walk might follow
        Files.createSymbolicLink(session.resolve(PinRoot.MAPS).resolve("their_map"), otherTool.resolve("their_map"));
        Files.createSymbolicLink(session.resolve(PinRoot.LINKS), otherTool);
        Files.createSymbolicLink(sessions.resolve("evil"), otherTool);
        Files.createSymbolicLink(root.instances().resolve("i0evil"), otherTool);

        try (Engine e = Engine.observe(root)) {
            assertTrue(e.cleanedAtStart().stream().anyMatch(l -> l.contains(iid)), e.cleanedAtStart().toString());
            assertFalse(e.exists("evil"), "a symlinked 'session' is not a session");
        }
        assertFalse(Files.exists(root.instance(iid), LinkOption.NOFOLLOW_LINKS), "the dead instance is gone");
        assertOtherToolUntouched();
        assertTrue(Files.isSymbolicLink(root.instances().resolve("i0evil")), "not ours to judge: left alone");
        Files.delete(root.instances().resolve("i0evil"));
    }

    @Test
    void anotherToolsPinsSurviveApplyDetachAndCleanup() throws Exception {
        String dead = deadInstance();
        try (Engine e = Engine.start(root, "hygiene")) {
            var rec = e.apply(EngineKernelTest.execcount().build(), PhaseListener.SILENT, 1);
            assertOtherToolUntouched();
            e.detach(rec.getSessionId());
            assertOtherToolUntouched();
        }
        assertFalse(Files.exists(root.instance(dead), LinkOption.NOFOLLOW_LINKS));
        assertOtherToolUntouched();
        List<String> left = PinRoot.childFolders(root.instances());
        assertFalse(left.contains(dead));
    }
}
