package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.LoadOnly;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import org.junit.jupiter.api.Test;

/**
 * An object built for the other byte order (clang -target bpfeb on a little-endian machine) is refused as
 * the one requirement it breaks, before any kernel call: the capability probes are not even run, and
 * loading it anyway is a stage error saying the same. Needs no kernel.
 */
class ForeignByteOrderTest {
    private static final String FOREIGN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? "bpfeb" : "bpf";

    private static Pipeline pipeline(String object) {
        Path obj = KernelTestSupport.testdata("obj/" + object + "." + FOREIGN + ".o");
        return Pipeline.newBuilder().setName("foreign")
                .addObjects(BpfObject.newBuilder().setId(object).setPath(obj.toString()))
                .addPrograms(Program.newBuilder().setObject(object).setName("count_execs")
                        .setAttach(AttachTarget.newBuilder().setLoadOnly(LoadOnly.getDefaultInstance())))
                .build();
    }

    @Test
    void theByteOrderIsTheOneRequirementAndTheKernelIsNotProbed() {
        List<Requirement> r = Compatibility.of(PreparedPipeline.of(pipeline("execcount")), () -> {
            throw new AssertionError("the kernel was probed for an object it cannot load");
        });
        assertEquals(1, r.size(), r.toString());
        Requirement b = r.get(0);
        assertEquals(Requirement.Level.NOT_SUPPORTED, b.level());
        assertEquals("byte order " + (FOREIGN.equals("bpfeb") ? "big-endian" : "little-endian"), b.label());
        assertEquals("execcount", b.neededBy());
        if (FOREIGN.equals("bpfeb")) {
            assertEquals("not supported: the object is big-endian (clang -target bpfeb) and this kernel is little-endian: "
                    + "rebuild it with clang -target bpf or bpfel", b.reason());
        }
    }

    @Test
    void loadingItAnywayIsAStageErrorSayingTheSame() throws Exception {
        Path obj = KernelTestSupport.testdata("obj/globals." + FOREIGN + ".o");
        PreparedObject prepared = PreparedObject.read(BpfObject.newBuilder().setId("globals").setPath(obj.toString()).build());
        // the byte order is checked before the stage's first kernel call (so no sink is needed)
        SessionException e = assertThrows(SessionException.class, () -> ObjectLoader.stage(prepared, null));
        assertEquals(Step.STAGE, e.step());
        assertTrue(e.getMessage().startsWith("object 'globals' (" + obj + ") is "), e.getMessage());
        assertTrue(e.getMessage().contains("rebuild it with clang -target "), e.getMessage());
    }
}
