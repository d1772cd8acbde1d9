package dev.gewyvern.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.AlphaChars;

/**
 * Values set by name round-trip through the variable's BTF type (set, then render what the map
 * would hold), in both byte orders; values that do not fit are refused, never truncated.
 */
class VariableValuePropertiesTest {
    private static final BpfObject LE = BpfObject.parse(TestObjects.testdata("globals.bpf.o"));
    private static final BpfObject BE = BpfObject.parse(TestObjects.testdata("globals.bpfeb.o"));

    private static String set(BpfObject o, String name, VariableValue v) {
        GlobalData ro = o.globalData(".rodata").orElseThrow();
        byte[] image = o.globalDataValues(Map.of(name, v)).get(".rodata");
        return ro.render(ro.variable(name).orElseThrow(), image, o.byteOrder());
    }

    @Property(tries = 300)
    void integersThatFitRoundTrip(@ForAll long n, @ForAll boolean bigEndian) {
        BpfObject o = bigEndian ? BE : LE;
        // target_pid is __u32, bias is __s16
        if (n >= 0 && n <= 0xffff_ffffL) {
            assertEquals(Long.toString(n), set(o, "target_pid", new VariableValue.Integer(n)));
        } else {
            ElfException e = assertThrows(ElfException.class, () -> set(o, "target_pid", new VariableValue.Integer(n)));
            assertTrue(e.getMessage().contains("target_pid"), e.getMessage());
        }
        if (n >= Short.MIN_VALUE && n <= Short.MAX_VALUE) {
            assertEquals(Long.toString(n), set(o, "bias", new VariableValue.Integer(n)));
        } else {
            assertThrows(ElfException.class, () -> set(o, "bias", new VariableValue.Integer(n)));
        }
    }

    @Property(tries = 200)
    void stringsUpToTheirRoomRoundTrip(@ForAll @AlphaChars @StringLength(max = 12) String s, @ForAll boolean bigEndian) {
        BpfObject o = bigEndian ? BE : LE;
        if (s.length() <= 7) {
            assertEquals("\"" + s + "\"", set(o, "tag", new VariableValue.Text(s)));
        } else {
            ElfException e = assertThrows(ElfException.class, () -> set(o, "tag", new VariableValue.Text(s)));
            assertTrue(e.getMessage().contains("at most 7"), e.getMessage());
        }
    }

    @Property(tries = 100)
    void rawBytesMustHaveTheExactSize(@ForAll @IntRange(min = 0, max = 9) int size) {
        VariableValue.Raw raw = new VariableValue.Raw(new byte[size]);
        if (size == 4) {
            assertEquals("0", set(LE, "target_pid", raw));
        } else {
            assertThrows(ElfException.class, () -> set(LE, "target_pid", raw));
        }
    }

    @Property(tries = 50)
    void enumsTakeTheirNumbers(@ForAll @IntRange(min = 0, max = 2) int mode) {
        String[] names = {"MODE_OFF", "MODE_COUNT", "MODE_TRACE"};
        assertEquals(names[mode], set(LE, "mode", new VariableValue.Integer(mode)));
        assertEquals(names[mode], set(BE, "mode", new VariableValue.Integer(mode)));
    }
}
