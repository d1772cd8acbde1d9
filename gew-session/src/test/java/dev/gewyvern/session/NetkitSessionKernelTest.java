package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.NetworkInterface;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.syscall.probes.Capabilities;
import dev.gewyvern.syscall.probes.Capability;
import dev.gewyvern.syscall.probes.Support;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * netkit/primary and netkit/peer programs (testdata/src/netkit.bpf.c) on a netdev target. This kernel is built
 * without CONFIG_NETKIT: the engine refuses with the capability report's reason before any kernel object of the
 * session exists. (Where netkit is built in, gew-syscall's NetkitKernelTest links one for real.)
 */
class NetkitSessionKernelTest {
    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Engine engine;

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
        engine = Engine.start(root, "NetkitSessionKernelTest", RiskPolicy.fromLocalCommandLine(true));
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void withoutNetkitInTheKernelApplyIsRefusedWithTheReportsReason() {
        Support netkit = Capabilities.running().find(Capability.Category.ATTACH_KIND, "netkit").orElseThrow().support();
        org.junit.jupiter.api.Assumptions.assumeFalse(netkit.isSupported(),
                "the report says this kernel has netkit: NetkitKernelTest in gew-syscall links it for real");
        Pipeline.Builder b = Pipeline.newBuilder().setName("netkit").addObjects(BpfObject.newBuilder().setId("netkit")
                .setPath(KernelTestSupport.testdata("obj/netkit.bpf.o").toString()));
        for (String name : new String[] {"count_primary", "count_peer"}) {
            b.addPrograms(Program.newBuilder().setObject("netkit").setName(name).setAttach(AttachTarget.newBuilder()
                    .setNetdev(NetworkInterface.newBuilder().setName("nk0"))));
        }
        Pipeline pipeline = b.build();
        List<Requirement> needs = engine.verifyCompatibility(pipeline);
        Requirement kind = needs.stream().filter(r -> r.label().equals("attach kind netkit")).findFirst()
                .orElseThrow(() -> new AssertionError(needs.toString()));
        assertEquals(Requirement.Level.NOT_SUPPORTED, kind.level());
        assertEquals("netkit/count_primary, netkit/count_peer", kind.neededBy());
        assertEquals(netkit.toString(), kind.reason(), "the attach kind's reason is the capability report's");
        // the apply is refused by the first requirement the dry run lists as not supported: on a kernel whose
        // enum bpf_attach_type has no netkit types (6.1) that is the attach type the program loads with
        Requirement first = needs.stream().filter(r -> r.level() == Requirement.Level.NOT_SUPPORTED).findFirst()
                .orElseThrow();
        List<String> events = new java.util.ArrayList<>();
        SessionException e = assertThrows(SessionException.class,
                () -> engine.apply(pipeline, ev -> events.add(ev.step().word() + " " + ev.text()), 1));
        assertEquals(first, e.requirement());
        assertTrue(e.getMessage().endsWith(first.label() + " (needed by " + first.neededBy() + ") is not supported "
                + "here: " + first.reason().substring("not supported: ".length())
                + "; `gew runtime info --verbose` lists what this kernel allows"), e.getMessage());
        assertEquals(List.of(), events, "refused before the session was created");
    }
}
