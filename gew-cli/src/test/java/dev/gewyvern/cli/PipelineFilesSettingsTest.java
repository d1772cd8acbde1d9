package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.GlobalValue;
import dev.gewyvern.proto.v1.Pipeline;
import org.junit.jupiter.api.Test;

/** --map-size and --global on the flag form: each to the Pipeline field a pipeline file would give. */
class PipelineFilesSettingsTest {
    private static final Path GLOBALS = Gew.repo().resolve("testdata/obj/globals.bpf.o");

    private static BpfObject settings(List<String> sizes, List<String> globals) {
        Pipeline p = PipelineFiles.fromFlags(null, GLOBALS, List.of("on_getppid"), List.of("none"));
        return PipelineFiles.withSettings(p, GLOBALS, sizes, globals).getObjects(0);
    }

    @Test
    void mapSizesBecomeMapSizes() {
        BpfObject o = settings(List.of("hits=64", "stackmap=1024:1016"), List.of());
        assertEquals("hits", o.getMapSizes(0).getMap());
        assertEquals(64, o.getMapSizes(0).getMaxEntries());
        assertEquals(0, o.getMapSizes(0).getValueSize());
        assertEquals(1024, o.getMapSizes(1).getMaxEntries());
        assertEquals(1016, o.getMapSizes(1).getValueSize());
        for (String bad : List.of("hits", "=5", "hits=", "hits=x", "hits=1:2:3", "hits=-1")) {
            UserError e = assertThrows(UserError.class, () -> settings(List.of(bad), List.of()), bad);
            assertTrue(e.getMessage().contains("NAME=ENTRIES"), e.getMessage());
        }
    }

    @Test
    void globalsAreReadByTheirBtfType() {
        BpfObject o = settings(List.of(), List.of("tag=demo", "bias=-3", "mode=MODE_TRACE", "enabled=false",
                "target_pid=0x10", "calls=7"));
        assertEquals(GlobalValue.newBuilder().setName("tag").setText("demo").build(), o.getGlobals(0));
        assertEquals(-3, o.getGlobals(1).getInteger());
        assertEquals(2, o.getGlobals(2).getInteger(), "MODE_TRACE is 2 in enum mode");
        assertEquals(GlobalValue.ValueCase.BOOLEAN, o.getGlobals(3).getValueCase());
        assertEquals(false, o.getGlobals(3).getBoolean());
        assertEquals(16, o.getGlobals(4).getInteger());
        assertEquals(7, o.getGlobals(5).getInteger());
        UserError e = assertThrows(UserError.class, () -> settings(List.of(), List.of("enabled=maybe")));
        assertTrue(e.getMessage().contains("not true or false"), e.getMessage());
        e = assertThrows(UserError.class, () -> settings(List.of(), List.of("mode=FAST")));
        assertTrue(e.getMessage().contains("MODE_OFF, MODE_COUNT, MODE_TRACE"), e.getMessage());
        e = assertThrows(UserError.class, () -> settings(List.of(), List.of("loops=1")));
        assertTrue(e.getMessage().contains(".bss") && e.getMessage().contains("settable variables"), e.getMessage());
        e = assertThrows(UserError.class, () -> settings(List.of(), List.of("bias")));
        assertTrue(e.getMessage().contains("NAME=VALUE"), e.getMessage());
    }
}
