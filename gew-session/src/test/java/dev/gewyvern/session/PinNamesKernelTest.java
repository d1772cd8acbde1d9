package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.ByteString;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.Freplace;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.RawTracepoint;
import dev.gewyvern.proto.v1.Tracepoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 item 9: names an object's author wrote never reach the filesystem unchecked, and a freplace
 * target is a program gewyvern pinned (SPEC §6), never any pin in bpffs. Each test names its defence.
 */
class PinNamesKernelTest {
    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Engine engine;

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
        engine = Engine.start(root, "PinNamesKernelTest");
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    /**
     * testdata's maps.bpf.o with its tail-call target's ELF symbol renamed "tail/target" (same length, in
     * .strtab only): the program array names a program whose name would be a path. Defence: the
     * Ids.checkObjectName calls in Transaction (tail-call targets and struct_ops programs before they are
     * loaded, every pin in addPin). Without them the name goes to the kernel (or, were it accepted there, to
     * the pin path progs/tail/target).
     */
    @Test
    void aTailCallTargetWhoseElfNameIsAPathIsRefusedBeforeAnythingIsMadeOfIt() throws Exception {
        byte[] elf = Files.readAllBytes(KernelTestSupport.testdata("obj/maps.bpf.o"));
        byte[] from = "tail_target\0".getBytes(StandardCharsets.US_ASCII);
        int at = lastIndexOf(elf, from);
        assertTrue(at > 0);
        System.arraycopy("tail/target\0".getBytes(StandardCharsets.US_ASCII), 0, elf, at, from.length);
        assertTrue(dev.gewyvern.elf.BpfObject.parse(elf).programs().stream()
                .anyMatch(p -> p.name().equals("tail/target")), "the symbol table was what changed");
        Pipeline p = Pipeline.newBuilder().setName("pinnames")
                .addObjects(BpfObject.newBuilder().setId("maps").setContent(ByteString.copyFrom(elf)))
                .addPrograms(Program.newBuilder().setObject("maps").setName("jump").setAttach(AttachTarget.newBuilder()
                        .setTracepoint(Tracepoint.newBuilder().setCategory("syscalls").setName("sys_enter_getppid"))))
                .build();
        List<String> events = new ArrayList<>();
        SessionException e = assertThrows(SessionException.class,
                () -> engine.apply(p, ev -> events.add(ev.step().word() + " " + ev.text()), 1));
        assertEquals(SessionException.Kind.INVALID, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("invalid program name 'tail/target'"), e.getMessage());
        assertFalse(events.stream().anyMatch(x -> x.contains("tail/target: verified")), events.toString());
        assertTrue(engine.ownSessions().isEmpty(), "rolled back");
    }

    /**
     * freplace.pinned outside gewyvern's pin root is refused before it is opened (by BPF_OBJ_GET or anything).
     * A dry run shows it without the kernel: a pin inside the root gets as far as the dry run's own limit.
     * Defence: Transaction.freplaceTarget's pin-root check (without it the first is refused for the dry run's
     * reason, like the second, and a real apply would open any program pinned in bpffs).
     */
    @Test
    void aFreplaceTargetOutsideThePinRootIsRefused() {
        for (String outside : new String[] {"/sys/fs/bpf/another-tool/prog", PinRoot.DEFAULT.toString(),
                PinRoot.DEFAULT + "-not/p"}) {
            SessionException e = assertThrows(SessionException.class, () -> engine.plan(freplace(outside)));
            assertEquals(SessionException.Kind.INVALID, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("is not inside gewyvern's pin root"), e.getMessage());
        }
        SessionException inside = assertThrows(SessionException.class,
                () -> engine.plan(freplace(PinRoot.DEFAULT + "/instances/i/sessions/s/progs/p")));
        assertTrue(inside.getMessage().contains("a dry run cannot plan"), inside.getMessage());
    }

    private static Pipeline freplace(String pinned) {
        return Pipeline.newBuilder().setName("pinnames")
                .addObjects(BpfObject.newBuilder().setId("tracing_kinds")
                        .setPath(KernelTestSupport.testdata("obj/tracing_kinds.bpf.o").toString()))
                .addPrograms(Program.newBuilder().setObject("tracing_kinds").setName("on_sys_enter")
                        .setAttach(AttachTarget.newBuilder().setRawTracepoint(RawTracepoint.newBuilder().setName("sys_enter"))))
                .addPrograms(Program.newBuilder().setObject("tracing_kinds").setName("new_answer")
                        .setAttach(AttachTarget.newBuilder().setFreplace(Freplace.newBuilder().setPinned(pinned))))
                .build();
    }

    private static int lastIndexOf(byte[] hay, byte[] needle) {
        for (int i = hay.length - needle.length; i >= 0; i--) {
            if (java.util.Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
