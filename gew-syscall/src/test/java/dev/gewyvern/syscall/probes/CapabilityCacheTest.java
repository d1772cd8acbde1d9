package dev.gewyvern.syscall.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-boot probe cache: what it writes it reads back; anything not exactly its own is ignored. */
class CapabilityCacheTest {
    private static final String KEY = "boot 1234 kernel 6.18.0 gewyvern 0.1.0";

    private static Capabilities sample() {
        return new Capabilities(List.of(
                new Capability(Capability.Category.PROGRAM_TYPE, "", "xdp", Support.supported("")),
                new Capability(Capability.Category.ATTACH_KIND, "", "fentry", Support.notSupported(
                        Support.Why.REFUSED_BY_POLICY, "BPF_PROG_LOAD as root got EPERM\twith\na \\ log")),
                new Capability(Capability.Category.MAP_TYPE, "", "arena", Support.inconclusive("E2BIG")),
                new Capability(Capability.Category.HELPER, "xdp", "map_lookup_elem", Support.supported("")),
                new Capability(Capability.Category.FEATURE, "", "btf_float", Support.supported("BPF_BTF_LOAD"))),
                5, true);
    }

    private static Path folder(Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return dir;
    }

    @Test
    void whatIsWrittenIsReadBackForTheSameBootWithoutHelpers(@TempDir Path tmp) throws Exception {
        Path file = folder(tmp).resolve("capabilities");
        CapabilityCache.write(file, KEY, sample());
        Capabilities read = CapabilityCache.read(file, KEY);
        assertNotNull(read);
        assertTrue(read.cached());
        assertEquals(sample().all().stream().filter(c -> c.category() != Capability.Category.HELPER).toList(), read.all());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void helperPairsProbedAtThisBootAreReadBackAndAnsweredFromTheFile(@TempDir Path tmp) throws Exception {
        Path file = folder(tmp).resolve("capabilities");
        Map<String, Support> pairs = Map.of("kprobe/probe_read_kernel", Support.supported(""),
                "socket_filter/get_current_pid_tgid", Support.notSupported(Support.Why.ABSENT,
                        "the verifier refuses it for socket_filter programs"));
        Capabilities probed = new Capabilities(sample().all().stream()
                .filter(c -> c.category() != Capability.Category.HELPER).toList(), 5, false, false, pairs);
        CapabilityCache.write(file, KEY, probed);
        Capabilities read = CapabilityCache.read(file, KEY);
        assertNotNull(read);
        assertEquals(Set.copyOf(probed.pairs()), Set.copyOf(read.pairs()));
        assertEquals(probed.all(), read.all());
        // answered from the file: a cached pair needs neither the kernel's BTF nor a probe load
        assertEquals(Support.supported(""), read.helperSupport("kprobe", "probe_read_kernel"));
        assertEquals(pairs.get("socket_filter/get_current_pid_tgid"),
                read.helperSupport("socket_filter", "get_current_pid_tgid"));
    }

    @Test
    void anotherBootKernelOrVersionIsIgnored(@TempDir Path tmp) throws Exception {
        Path file = folder(tmp).resolve("capabilities");
        CapabilityCache.write(file, KEY, sample());
        assertNull(CapabilityCache.read(file, "boot 9999 kernel 6.18.0 gewyvern 0.1.0"));
        assertNull(CapabilityCache.read(file, "boot 1234 kernel 6.1.0 gewyvern 0.1.0"));
        assertNull(CapabilityCache.read(file, "boot 1234 kernel 6.18.0 gewyvern 0.2.0"));
    }

    @Test
    void aDamagedOrForeignFileIsIgnored(@TempDir Path tmp) throws Exception {
        Path dir = folder(tmp);
        Path file = dir.resolve("capabilities");
        CapabilityCache.write(file, KEY, sample());
        String text = Files.readString(file);

        Files.writeString(file, text.replace("xdp", "xdq")); // the CRC no longer matches
        assertNull(CapabilityCache.read(file, KEY));
        Files.writeString(file, text.substring(0, text.length() / 2)); // cut short
        assertNull(CapabilityCache.read(file, KEY));

        Files.writeString(file, text);
        assertNotNull(CapabilityCache.read(file, KEY));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertNull(CapabilityCache.read(file, KEY), "a file others may write is not trusted");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertNull(CapabilityCache.read(file, KEY), "nor one in a folder others may write");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));

        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, file);
        assertNull(CapabilityCache.read(link, KEY), "nor a symbolic link");
        assertNull(CapabilityCache.read(dir.resolve("missing"), KEY));
    }

    @Property(tries = 300)
    void everyDetailSurvivesTheLineFormat(@ForAll String detail, @ForAll Support.Why why) {
        for (Support s : List.of(Support.supported(detail), Support.notSupported(why, detail),
                Support.inconclusive(detail))) {
            Capability c = new Capability(Capability.Category.ATTACH_KIND, "", "kprobe", s);
            String line = CapabilityCache.line(c);
            assertTrue(!line.contains("\n"));
            assertEquals(c, CapabilityCache.parse(line));
        }
    }
}
