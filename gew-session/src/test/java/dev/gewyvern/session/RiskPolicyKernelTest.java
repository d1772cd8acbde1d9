package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.BtfTracepoint;
import dev.gewyvern.proto.v1.Cgroup;
import dev.gewyvern.proto.v1.Phase;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** docs/spec.md §9 on the real kernel: risky refused without the local flag and applied with it; not supported refused. */
class RiskPolicyKernelTest {
    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Path cgroup;

    @BeforeEach
    void setUp() throws IOException {
        KernelTestSupport.requireBpf();
        cgroup = KernelTestSupport.cgroup2().resolve("gew-risk-" + ProcessHandle.current().pid());
        Files.createDirectory(cgroup);
    }

    @AfterEach
    void tearDown() throws IOException {
        Files.deleteIfExists(cgroup);
    }

    private Pipeline cgroupEgress() {
        return Pipeline.newBuilder().setName("risky")
                .addObjects(BpfObject.newBuilder().setId("attachkinds")
                        .setPath(KernelTestSupport.testdata("obj/attachkinds.bpf.o").toString()))
                .addPrograms(Program.newBuilder().setObject("attachkinds").setName("count_egress")
                        .setAttach(AttachTarget.newBuilder().setCgroup(Cgroup.newBuilder().setPath(cgroup.toString()))))
                .build();
    }

    @Test
    void aRiskyPipelineIsRefusedWithoutTheLocalFlagAndAppliedWithIt() {
        try (Engine strict = Engine.start(root, "RiskPolicyKernelTest")) {
            List<Requirement> reqs = strict.verifyCompatibility(cgroupEgress());
            Requirement type = reqs.stream().filter(r -> r.label().equals("program type cgroup_skb")).findFirst().orElseThrow();
            assertEquals(Requirement.Level.RISKY, type.level());
            assertTrue(type.reason().contains("drop"), type.reason());
            SessionException e = assertThrows(SessionException.class,
                    () -> strict.apply(cgroupEgress(), PhaseListener.SILENT, 1));
            assertEquals(Step.COMPATIBILITY, e.step());
            assertEquals(SessionException.Kind.REFUSED, e.kind());
            assertEquals(type.label(), e.requirement().label());
            assertTrue(e.getMessage().contains("--allow-risky"), e.getMessage());
            assertTrue(PinRoot.childFolders(root.sessions(strict.instanceId())).isEmpty(), "nothing was applied");
            assertTrue(PinRoot.childFolders(root.instance(strict.instanceId()).resolve("staging")).isEmpty());
        }
        try (Engine allowing = Engine.start(root, "RiskPolicyKernelTest", RiskPolicy.fromLocalCommandLine(true))) {
            var rec = allowing.apply(cgroupEgress(), PhaseListener.SILENT, 1);
            assertEquals(Phase.COMMITTED, rec.getPhase());
            allowing.detach(rec.getSessionId());
        }
    }

    @Test
    void aRequirementThisKernelRefusesIsNamedBeforeAnythingLoads() {
        // a kind the capability report refuses here: fentry where a policy refuses tracing, tcx where the
        // kernel predates it
        dev.gewyvern.syscall.probes.Capabilities caps = dev.gewyvern.syscall.probes.Capabilities.withoutHelpers();
        Pipeline fentry = Pipeline.newBuilder().setName("fentry")
                .addObjects(BpfObject.newBuilder().setId("tracing")
                        .setPath(KernelTestSupport.testdata("obj/tracing.bpf.o").toString()))
                .addPrograms(Program.newBuilder().setObject("tracing").setName("t_fentry")
                        .setAttach(AttachTarget.newBuilder().setBtfTracepoint(BtfTracepoint.newBuilder().setName("do_unlinkat"))))
                .build();
        Pipeline tcx = Pipeline.newBuilder().setName("tcx")
                .addObjects(BpfObject.newBuilder().setId("attachkinds")
                        .setPath(KernelTestSupport.testdata("obj/attachkinds.bpf.o").toString()))
                .addPrograms(Program.newBuilder().setObject("attachkinds").setName("count_tcx")
                        .setAttach(AttachTarget.newBuilder().setNetdev(dev.gewyvern.proto.v1.NetworkInterface.newBuilder()
                                .setName("lo"))))
                .build();
        String kind = !caps.support(dev.gewyvern.syscall.probes.Capability.Category.ATTACH_KIND, "fentry").isSupported()
                ? "fentry" : !caps.support(dev.gewyvern.syscall.probes.Capability.Category.ATTACH_KIND, "tcx").isSupported()
                ? "tcx" : null;
        org.junit.jupiter.api.Assumptions.assumeTrue(kind != null, "the report supports fentry and tcx here");
        dev.gewyvern.syscall.probes.Support s = caps.support(dev.gewyvern.syscall.probes.Capability.Category.ATTACH_KIND, kind);
        Pipeline chosen = kind.equals("fentry") ? fentry : tcx;
        try (Engine e = Engine.start(root, "RiskPolicyKernelTest", RiskPolicy.fromLocalCommandLine(true))) {
            // the dry run's list: the kind is refused with the report's reason; the apply names the first refused
            // requirement of that list (on a kernel without tcx that is the attach type tcx_ingress it loads with)
            java.util.List<Requirement> needs = e.verifyCompatibility(chosen);
            Requirement kindNeed = needs.stream().filter(r -> r.label().equals("attach kind " + kind)).findFirst()
                    .orElseThrow(() -> new AssertionError(needs.toString()));
            assertEquals(Requirement.Level.NOT_SUPPORTED, kindNeed.level());
            assertEquals(s.toString(), kindNeed.reason());
            Requirement first = needs.stream().filter(r -> r.level() == Requirement.Level.NOT_SUPPORTED).findFirst()
                    .orElseThrow();
            SessionException ex = assertThrows(SessionException.class, () -> e.apply(chosen, PhaseListener.SILENT, 1));
            assertEquals(first, ex.requirement(), ex.getMessage());
            assertTrue(PinRoot.childFolders(root.sessions(e.instanceId())).isEmpty());
        }
    }

    @Test
    void riskyHelpersAndProgramTypesComeFromTheDocumentedTable() {
        assertTrue(RiskTable.helper("probe_write_user").isPresent());
        assertTrue(RiskTable.helper("send_signal").isPresent());
        assertTrue(RiskTable.helper("override_return").isPresent());
        assertTrue(RiskTable.helper("map_lookup_elem").isEmpty());
        assertTrue(RiskTable.programType("xdp").isPresent());
        assertTrue(RiskTable.programType("tracepoint").isEmpty());
    }
}
