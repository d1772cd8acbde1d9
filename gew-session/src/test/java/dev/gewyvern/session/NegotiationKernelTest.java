package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.btf.BtfType;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.LoadOnly;
import dev.gewyvern.proto.v1.Phase;
import dev.gewyvern.proto.v1.PinnedObject;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.proto.v1.Tracepoint;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.kernel.KernelTypes;
import dev.gewyvern.syscall.probes.Support;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Negotiation on the real kernel: what this kernel's BTF does not have is refused as absent before any kernel
 * call of the session, in every mode (attached, load-only, VerifyCompatibility), and load-only sessions weigh
 * no risk. The absent requirements are made from testdata objects by changing one number to one past the
 * largest this kernel's BTF has (a helper id, a map type), so the test holds on any kernel.
 */
class NegotiationKernelTest {
    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Engine engine;

    @BeforeEach
    void setUp(@TempDir Path cache) {
        KernelTestSupport.requireBpf();
        // the default policy: nothing here may need --allow-risky
        engine = Engine.start(root, "NegotiationKernelTest");
        // this build's own probe answers, not a per-boot cache another build of gew may have written
        engine.capabilityCacheAt(cache.resolve("capabilities"));
    }

    @AfterEach
    void tearDown() {
        KernelTestSupport.detachAllAndClose(engine);
    }

    private static Pipeline pipeline(String object, Path path, String program, AttachTarget target) {
        return Pipeline.newBuilder().setName("negotiation")
                .addObjects(BpfObject.newBuilder().setId(object).setPath(path.toString()))
                .addPrograms(Program.newBuilder().setObject(object).setName(program).setAttach(target)).build();
    }

    private static AttachTarget loadOnly() {
        return AttachTarget.newBuilder().setLoadOnly(LoadOnly.getDefaultInstance()).build();
    }

    /** Applies, expecting a refusal at the compatibility check with no phase begun: nothing reached the kernel. */
    private SessionException refusedBeforeTheKernel(Pipeline p) {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        SessionException e = assertThrows(SessionException.class,
                () -> engine.apply(p, event -> events.add(event.step() + " " + event.text()), 1));
        assertEquals(Step.COMPATIBILITY, e.step(), e.getMessage());
        assertEquals(SessionException.Kind.UNSUPPORTED, e.kind(), e.getMessage());
        assertEquals(List.of(), events, "no phase began");
        assertTrue(PinRoot.childFolders(root.sessions(engine.instanceId())).isEmpty());
        return e;
    }

    private static Requirement find(List<Requirement> reqs, String label) {
        return reqs.stream().filter(r -> r.label().equals(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no requirement " + label + " in " + reqs));
    }

    @Test
    void aHelperThisKernelDoesNotHaveIsAbsentInEveryMode(@TempDir Path tmp) throws Exception {
        int id = Collections.max(KernelTypes.running().helpers().values()) + 1;
        Path obj = tmp.resolve("execcount.bpf.o");
        // count_execs' call of bpf_get_current_comm (instruction 9) becomes a call of helper #id
        Files.write(obj, ElfPatch.withImmediate(Files.readAllBytes(KernelTestSupport.testdata("obj/execcount.bpf.o")),
                "count_execs", 9, id));
        AttachTarget tp = AttachTarget.newBuilder().setTracepoint(Tracepoint.newBuilder().setCategory("syscalls")
                .setName("sys_enter_execve")).build();
        // gew names the helper as it knows it (cgrp_storage_get is #210, newer than 6.1), else by its number
        String name = parse(obj).programs().stream().filter(pr -> pr.name().equals("count_execs")).findFirst()
                .orElseThrow().helpers().stream().filter(h -> !KernelTypes.running().helpers().containsKey(h))
                .findFirst().orElseThrow();
        String why = name.startsWith("helper#") ? "this kernel's enum bpf_func_id has no helper #" + id
                : "no BPF_FUNC_" + name + " in this kernel's enum bpf_func_id";
        for (AttachTarget target : List.of(tp, loadOnly())) {
            Pipeline p = pipeline("execcount", obj, "count_execs", target);
            Requirement helper = find(engine.verifyCompatibility(p), "helper tracepoint/" + name);
            assertEquals(Requirement.Level.NOT_SUPPORTED, helper.level(), helper.toString());
            assertEquals(Support.Why.ABSENT, helper.why());
            assertEquals(Requirement.Basis.KERNEL, helper.basis());
            SessionException e = refusedBeforeTheKernel(p);
            assertEquals(helper.label(), e.requirement().label());
            assertTrue(e.getMessage().contains("absent (" + why + ")"), e.getMessage());
        }
    }

    @Test
    void aMapTypeThisKernelDoesNotHaveIsAbsentInEveryMode(@TempDir Path tmp) throws Exception {
        int type = Collections.max(KernelTypes.running().mapTypes().values()) + 1;
        Path obj = tmp.resolve("legacy.bpf.o");
        // legacy_hash's definition starts with its type
        Files.write(obj, ElfPatch.withObjectWord(Files.readAllBytes(KernelTestSupport.testdata("obj/legacy.bpf.o")),
                "legacy_hash", 0, type));
        Pipeline p = pipeline("legacy", obj, "sock_prog", loadOnly());
        // gew names a type it knows (cgrp_storage is 32, newer than 6.1), else gives its number
        String name = dev.gewyvern.elf.uapi.MapType.of(type).map(dev.gewyvern.elf.uapi.MapType::text)
                .orElse(Integer.toString(type));
        Requirement map = find(engine.verifyCompatibility(p), "map type " + name);
        assertEquals(Requirement.Level.NOT_SUPPORTED, map.level(), map.toString());
        assertEquals(Support.Why.ABSENT, map.why());
        assertEquals("legacy/legacy_hash", map.neededBy());
        SessionException e = refusedBeforeTheKernel(p);
        assertTrue(e.getMessage().contains("absent (this kernel's enum bpf_map_type has no value " + type),
                e.getMessage());
    }

    @Test
    void aHelperIsProbedForItsProgramTypeAsTheFullReportProbesIt() {
        // VerifyCompatibility probes only the pairs a pipeline uses; its answer is the full report's
        Pipeline p = pipeline("execcount", KernelTestSupport.testdata("obj/execcount.bpf.o"), "count_execs", loadOnly());
        Requirement comm = find(engine.verifyCompatibility(p), "helper tracepoint/get_current_comm");
        assertEquals(Requirement.Basis.PROBED, comm.basis(), comm.toString());
        assertEquals(engine.capabilities().helper("tracepoint", "get_current_comm").orElseThrow().support()
                .isSupported(), comm.level() == Requirement.Level.FULLY_SUPPORTED, comm.toString());
    }

    @Test
    void loadOnlyAttachesNothingSoNothingIsRisky() {
        // attachkinds has xdp, tcx, cgroup and netfilter programs: risky attached, not loaded for checking
        Path obj = KernelTestSupport.testdata("obj/attachkinds.bpf.o");
        Pipeline.Builder p = Pipeline.newBuilder().setName("loadonly")
                .addObjects(BpfObject.newBuilder().setId("attachkinds").setPath(obj.toString()));
        List<String> risky = new ArrayList<>();
        for (dev.gewyvern.elf.BpfProgram prog : parse(obj).programs()) {
            p.addPrograms(Program.newBuilder().setObject("attachkinds").setName(prog.name()).setAttach(loadOnly()));
            String type = prog.section().orElseThrow().kind().progType().text();
            if (RiskTable.programType(type).isPresent()) {
                risky.add(type);
            }
        }
        assertFalse(risky.isEmpty(), "the object has programs of risky types");
        List<Requirement> reqs = engine.verifyCompatibility(p.build());
        assertTrue(reqs.stream().noneMatch(r -> r.level() == Requirement.Level.RISKY), reqs.toString());
        for (Requirement r : reqs) {
            if (r.level() == Requirement.Level.NOT_SUPPORTED) {
                // this kernel lacks one: the session is refused for it, never for risk
                assertEquals(Step.COMPATIBILITY, refusedBeforeTheKernel(p.build()).step());
                return;
            }
        }
        SessionRecord rec = engine.apply(p.build(), PhaseListener.SILENT, 1);
        assertEquals(Phase.COMMITTED, rec.getPhase());
        assertTrue(rec.getObjectsList().stream().noneMatch(o -> o.getKind() == PinnedObject.Kind.LINK));
        engine.detach(rec.getSessionId());
    }

    @Test
    void aLoadOnlyStructOpsMapIsCreatedWithItsProgramsButNotRegistered() {
        Path obj = KernelTestSupport.testdata("obj/struct_ops.bpf.o");
        Pipeline.Builder p = Pipeline.newBuilder().setName("loadonly")
                .addObjects(BpfObject.newBuilder().setId("struct_ops").setPath(obj.toString()));
        for (dev.gewyvern.elf.StructOpsMap m : parse(obj).structOps()) {
            p.addPrograms(Program.newBuilder().setObject("struct_ops").setName(m.name()).setAttach(loadOnly()));
        }
        List<Requirement> reqs = engine.verifyCompatibility(p.build());
        assertTrue(reqs.stream().noneMatch(r -> r.level() == Requirement.Level.RISKY), reqs.toString());
        assertTrue(reqs.stream().noneMatch(r -> r.label().equals("attach kind struct_ops")), "nothing registers");
        if (reqs.stream().anyMatch(r -> r.level() == Requirement.Level.NOT_SUPPORTED)) {
            refusedBeforeTheKernel(p.build());
            return;
        }
        SessionRecord rec = engine.apply(p.build(), PhaseListener.SILENT, 1);
        Path session = root.session(engine.instanceId(), rec.getSessionId());
        try {
            assertTrue(rec.getObjectsList().stream().noneMatch(o -> o.getKind() == PinnedObject.Kind.LINK));
            long programs = rec.getObjectsList().stream().filter(o -> o.getKind() == PinnedObject.Kind.PROGRAM).count();
            assertEquals(parse(obj).structOps().stream().mapToLong(m -> m.programs().size()).sum(), programs);
            for (dev.gewyvern.elf.StructOpsMap m : parse(obj).structOps()) {
                try (Fd map = Bpf.get(session.resolve(PinRoot.MAPS).resolve(m.name()).toString(), "map")) {
                    assertNotEquals(inUse(), state(map, m.typeName()), m.name() + " must not be registered");
                }
            }
        } finally {
            engine.detach(rec.getSessionId());
        }
    }

    private static dev.gewyvern.elf.BpfObject parse(Path obj) {
        try {
            return dev.gewyvern.elf.BpfObject.parse(Files.readAllBytes(obj));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** BPF_STRUCT_OPS_STATE_INUSE: a registered struct_ops map's state. */
    private static int inUse() {
        int v = KernelTypes.running().value("bpf_struct_ops_state", "BPF_STRUCT_OPS_STATE_INUSE");
        assertTrue(v >= 0, "the kernel's BTF has enum bpf_struct_ops_state");
        return v;
    }

    /**
     * The state the kernel reports in a struct_ops map's value (bpf_struct_ops_T: its refcount, then its
     * state, directly or inside a 'common' member, as the kernel's BTF lays it out).
     */
    private static int state(Fd map, String typeName) {
        Btf vmlinux = KernelTypes.running().btf();
        BtfType.Struct value = (BtfType.Struct) vmlinux.type(vmlinux.find(BtfKind.STRUCT, "bpf_struct_ops_" + typeName));
        int offset = -1;
        for (BtfType.Member m : value.members()) {
            if (m.name().equals("state")) {
                offset = m.bitOffset() / 8;
            } else if (m.name().equals("common")) {
                BtfType.Struct common = (BtfType.Struct) vmlinux.type(vmlinux.resolve(m.type()));
                for (BtfType.Member c : common.members()) {
                    if (c.name().equals("state")) {
                        offset = m.bitOffset() / 8 + c.bitOffset() / 8;
                    }
                }
            }
        }
        assertTrue(offset >= 0, "bpf_struct_ops_" + typeName + " has a state");
        byte[] v = Bpf.lookup(map, new byte[4], value.size());
        return v == null ? 0 : ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getInt(offset);
    }
}
