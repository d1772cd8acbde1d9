package dev.gewyvern.syscall.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class KernelConfigTest {
    @Test
    void readsSetUnsetQuotedAndMissingOptions() {
        KernelConfig c = KernelConfig.parse("t", "#\n# comment\nCONFIG_BPF=y\n# CONFIG_KPROBES is not set\n"
                + "CONFIG_LSM=\"landlock,bpf\"\nCONFIG_NETKIT=m\nCONFIG_HZ=250\n");
        assertEquals("y", c.get("CONFIG_BPF"));
        assertEquals("n", c.get("CONFIG_KPROBES"));
        assertEquals("landlock,bpf", c.get("CONFIG_LSM"));
        assertTrue(c.enabled("CONFIG_NETKIT"));
        assertFalse(c.enabled("CONFIG_KPROBES"));
        assertFalse(c.enabled("CONFIG_NOT_THERE"));
        assertEquals("250", c.get("CONFIG_HZ"));
        assertEquals("\"landlock,bpf\"", c.values().get("CONFIG_LSM"), "values are as the file writes them");
    }

    @Property
    void everyWrittenOptionReadsBack(@ForAll @AlphaChars @StringLength(min = 1, max = 20) String name,
                                     @ForAll boolean set) {
        String option = "CONFIG_" + name.toUpperCase(java.util.Locale.ROOT);
        String text = set ? option + "=y\n" : "# " + option + " is not set\n";
        assertEquals(set, KernelConfig.parse("t", "CONFIG_OTHER=y\n" + text).enabled(option));
    }
}
