package dev.gewyvern.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import dev.gewyvern.syscall.attr.BpfCommand;
import dev.gewyvern.syscall.attr.KprobeMultiLinkAttr;
import dev.gewyvern.syscall.attr.MapCreateAttr;
import dev.gewyvern.syscall.attr.MapElemAttr;
import dev.gewyvern.syscall.attr.NativeArg;
import dev.gewyvern.syscall.attr.ProgLoadAttr;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** A dry run's line for an attr reads exactly as the record's own toString would. */
class RecordTextTest {
    @Property(tries = 200)
    void aMapCreateReadsAsItsRecord(@ForAll int type, @ForAll int key, @ForAll int value, @ForAll int max,
                                   @ForAll int flags, @ForAll String name, @ForAll long extra) {
        MapCreateAttr a = new MapCreateAttr(type, key, value, max, flags, 0, 0, name, -1, 0, 0, extra, 0);
        assertEquals(a.toString(), RecordText.of(a));
    }

    @Test
    void nestedArgumentsNullsAndRecordsWithTheirOwnTextReadAsTheirToString() {
        ProgLoadAttr p = new ProgLoadAttr(5, 0, new NativeArg.In(new byte[16]), "GPL", "p", 0, 0, 0, null, 3,
                null, new NativeArg.In(new byte[32]), 0, 0);
        assertEquals(p.toString(), RecordText.of(p));
        MapElemAttr e = new MapElemAttr(BpfCommand.BPF_MAP_UPDATE_ELEM, 4, new NativeArg.In(new byte[4]),
                new NativeArg.In(new byte[8]), 0);
        assertEquals(e.toString(), RecordText.of(e));
        KprobeMultiLinkAttr k = new KprobeMultiLinkAttr(3, 42, 0, List.of("a", "b"), new long[] {1, 2});
        assertEquals(k.toString(), RecordText.of(k));
        assertEquals("null", RecordText.of(null));
    }
}
