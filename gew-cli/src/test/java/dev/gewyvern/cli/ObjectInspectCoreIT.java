package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.gewyvern.proto.v1.CoreRelocationReport;
import dev.gewyvern.proto.v1.ObjectReport;
import dev.gewyvern.proto.v1.ProgramReport;
import org.junit.jupiter.api.Test;

/**
 * {@code gew object inspect --core --target-btf} on testdata's CO-RE suite (src/core_reloc.bpf.c against
 * the targets of testdata/core): each relocation's old and new value and patched instruction, the
 * poisoned ones with their reason, an ambiguous one as the program's problem. The values are the ones
 * CoreRelocKernelTest holds libbpf and gewyvern to.
 */
class ObjectInspectCoreIT {
    private static final String OBJECT = "testdata/obj/core_reloc.bpf.o";

    private static ObjectReport inspect(String target) throws Exception {
        Gew.Result r = Gew.run("object", "inspect", "--core", "-o", "json", "--target-btf",
                Gew.repo().resolve("testdata/obj/core/btf__core_reloc_" + target + ".o").toString(), OBJECT);
        assertEquals(0, r.exit(), r.toString());
        ObjectReport.Builder b = ObjectReport.newBuilder();
        JsonFormat.parser().merge(r.out(), b);
        return b.build();
    }

    private static ProgramReport program(ObjectReport r, String name) {
        return r.getProgramsList().stream().filter(p -> p.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no program " + name + " in " + r));
    }

    /** The relocation of {@code kind} whose local access starts with {@code local}. */
    private static CoreRelocationReport relocation(ProgramReport p, String kind, String local) {
        return p.getCoreRelocationsList().stream()
                .filter(c -> c.getKind().equals(kind) && c.getLocal().startsWith(local)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " relocation of " + local + " in " + p));
    }

    @Test
    void movedFieldsShowTheirOldAndNewOffsets() throws Exception {
        ObjectReport r = inspect("moved");
        CoreRelocationReport gone = relocation(program(r, "read_gone"), "byte_off", "struct core_reloc_fields.gone ");
        assertEquals(64, gone.getLocalValue(), gone.toString());
        assertEquals(80, gone.getTargetValue(), gone.toString());
        assertTrue(gone.getTarget().contains("struct core_reloc_fields___moved.gone"), gone.toString());
        assertFalse(gone.getPoisoned());
        assertTrue(gone.getSource().contains("core_reloc.bpf.c:"), gone.toString());

        CoreRelocationReport y = relocation(program(r, "write_fields"), "byte_off", "struct core_reloc_fields.nested.y ");
        assertEquals(12, y.getLocalValue());
        assertEquals(20, y.getTargetValue());
        assertTrue(y.getInsnAfter().contains("+20)"), y.toString());
    }

    @Test
    void aResizedFieldChangesTheStoreSizeAndARemovedOneIsPoisoned() throws Exception {
        ObjectReport r = inspect("resized");
        CoreRelocationReport b = relocation(program(r, "write_fields"), "byte_off", "struct core_reloc_fields.b ");
        assertEquals(4, b.getLocalValue());
        assertEquals(12, b.getTargetValue());
        assertTrue(b.getInsnBefore().contains("*(u16 *)") && b.getInsnAfter().contains("*(u32 *)"), b.toString());
        CoreRelocationReport size = relocation(program(r, "read_fields"), "byte_sz", "struct core_reloc_fields.b ");
        assertEquals(2, size.getLocalValue());
        assertEquals(4, size.getTargetValue());

        CoreRelocationReport gone = relocation(program(r, "read_gone"), "byte_off", "struct core_reloc_fields.gone ");
        assertTrue(gone.getPoisoned(), gone.toString());
        assertTrue(gone.getReason().contains("no field gone"), gone.toString());
    }

    @Test
    void enum64ValuesAndTypeSizesAreTheTargets() throws Exception {
        CoreRelocationReport big = relocation(program(inspect("enums"), "read_enums"), "enumval_value",
                "enum64 core_reloc_enum64::CORE_RELOC_BIG");
        assertEquals(0x100000000L, big.getLocalValue());
        assertEquals(0x300000000L, big.getTargetValue());
        CoreRelocationReport size = relocation(program(inspect("types"), "read_types"), "type_size",
                "struct core_reloc_type_s");
        assertEquals(8, size.getLocalValue());
        assertEquals(16, size.getTargetValue());
    }

    @Test
    void anAmbiguousRelocationIsTheProgramsProblem() throws Exception {
        ProgramReport p = program(inspect("ambiguous"), "read_gone");
        assertTrue(p.getCoreProblem().contains("ambiguous") && p.getCoreProblem().contains("core_reloc_fields___x")
                && p.getCoreProblem().contains("core_reloc_fields___y"), p.toString());
    }
}
