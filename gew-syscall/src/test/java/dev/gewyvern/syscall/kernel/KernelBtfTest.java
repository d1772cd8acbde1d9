package dev.gewyvern.syscall.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.btf.BtfRawDump;
import dev.gewyvern.btf.BtfType;
import dev.gewyvern.btf.BtfWriter;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.KernelBtfFiles;
import dev.gewyvern.syscall.KernelTestSupport;
import dev.gewyvern.syscall.ModuleBtfIds;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The running kernel's own BTF, read and mapped, held against bpftool's reading of the same file.
 * Under CI=true a missing /sys/kernel/btf/vmlinux or bpftool fails these tests.
 */
class KernelBtfTest {
    private static final String VMLINUX = "/sys/kernel/btf/vmlinux";

    static String bpftool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bpftool"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        } catch (IOException e) {
            if (KernelTestSupport.ci()) {
                Assertions.fail("CI=true but bpftool cannot be run: " + e.getMessage());
            }
            Assumptions.abort("bpftool is not installed: " + e.getMessage());
            throw e;
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "bpftool " + String.join(" ", args) + ": " + err);
        return new String(out, StandardCharsets.UTF_8);
    }

    private static Btf vmlinux() throws IOException {
        KernelTestSupport.vmlinux(); // fails under CI when the file is missing, aborts otherwise
        return KernelBtf.shared().vmlinux();
    }

    @Test
    void vmlinuxsRecordOffsetsKeptForTheBootGiveTheSameBtf(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        KernelTestSupport.vmlinux();
        java.nio.file.Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        java.nio.file.Path file = dir.resolve("run").resolve("vmlinux-offsets");
        Btf walked = new KernelBtf(file).vmlinux();
        String key = VmlinuxOffsets.key(java.nio.file.Path.of(VMLINUX));
        Assertions.assertArrayEquals(walked.recordOffsets(), VmlinuxOffsets.read(file, key), "kept after the walk");
        Btf read = new KernelBtf(file).vmlinux();
        Assertions.assertArrayEquals(walked.recordOffsets(), read.recordOffsets());
        for (int id = 1; id < walked.typeCount(); id += 97) {
            assertEquals(walked.type(id), read.type(id));
        }
        // another boot's file, or a damaged one, is not read; the next index walks and writes it again
        Assertions.assertNull(VmlinuxOffsets.read(file, key.replace("boot ", "boot x")));
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        java.nio.file.Files.write(file, bytes);
        Assertions.assertNull(VmlinuxOffsets.read(file, key));
        Assertions.assertArrayEquals(walked.recordOffsets(), new KernelBtf(file).vmlinux().recordOffsets());
        Assertions.assertArrayEquals(walked.recordOffsets(), VmlinuxOffsets.read(file, key));
        // nor one that others may write
        java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        Assertions.assertNull(VmlinuxOffsets.read(file, key));
    }

    @Test
    void typeCountAndKindHistogramAreBpftools() throws Exception {
        Btf btf = vmlinux();
        Map<String, Integer> theirs = new TreeMap<>();
        int count = 0;
        for (String line : bpftool("btf", "dump", "file", VMLINUX).split("\n")) {
            if (line.startsWith("[")) {
                count++;
                theirs.merge(line.split(" ")[1], 1, Integer::sum);
            }
        }
        Map<String, Integer> ours = new TreeMap<>();
        for (int id = 1; id < btf.typeCount(); id++) {
            ours.merge(btf.kind(id).name(), 1, Integer::sum);
        }
        assertTrue(count > 10000, "vmlinux has " + count + " types by bpftool");
        assertEquals(count, btf.typeCount() - 1);
        assertEquals(theirs, ours);
    }

    @Test
    void rawDumpIsBpftoolsByteForByte() throws Exception {
        Btf btf = vmlinux();
        String theirs = bpftool("btf", "dump", "file", VMLINUX);
        assertLines(theirs, BtfRawDump.dump(btf), "vmlinux");
    }

    @Test
    void parseMarshalParseIsEqual() throws Exception {
        Btf btf = vmlinux();
        btf.validate();
        List<BtfType> types = new ArrayList<>(btf.typeCount());
        for (int id = 1; id < btf.typeCount(); id++) {
            types.add(btf.type(id));
        }
        Btf again = Btf.parse(BtfWriter.write(types, ByteOrder.nativeOrder()));
        assertEquals(btf.typeCount(), again.typeCount());
        for (int id = 1; id < btf.typeCount(); id++) {
            assertEquals(types.get(id - 1), again.type(id), "type " + id);
        }
    }

    /**
     * Whether this kernel lets sysfs BTF be mapped: a kernel that does not answers the mmap with EINVAL or
     * ENODEV (KernelBtf then reads the file instead).
     */
    private static boolean mappable() {
        try (KernelBtfFiles.Mapping m = KernelBtfFiles.map(KernelBtfFiles.path("vmlinux"))) {
            return true;
        } catch (BpfException e) {
            assertTrue(e.errno() == Errno.EINVAL || e.errno() == Errno.ENODEV, e.getMessage());
            return false;
        }
    }

    @Test
    void mappedAndReadBytesAreTheSame() throws Exception {
        KernelTestSupport.vmlinux();
        KernelTestSupport.requireBpf(); // binds the native layer, which map needs
        ByteBuffer read = KernelBtfFiles.read(KernelBtfFiles.path("vmlinux"));
        assertEquals(read.remaining(), read.array().length, "the heap copy holds the file and nothing more");
        if (!mappable()) {
            return; // nothing mapped to compare: the kernel refuses, and mapsOnceTheNativeLayerIsBound checks the read
        }
        try (KernelBtfFiles.Mapping m = KernelBtfFiles.map(KernelBtfFiles.path("vmlinux"))) {
            ByteBuffer mapped = m.bytes();
            assertTrue(mapped.isDirect());
            assertEquals(read.remaining(), mapped.remaining());
            assertEquals(read, mapped);
            assertEquals(Btf.index(read, null).typeCount(), Btf.index(mapped, null).typeCount());
        }
    }

    @Test
    void oneSharedCopyPerProcess() throws Exception {
        Btf a = vmlinux();
        assertSame(a, KernelBtf.shared().vmlinux());
        assertTrue(KernelBtf.shared().source() != null);
        int task = a.find(BtfKind.STRUCT, "task_struct");
        assertTrue(task > 0, "vmlinux has struct task_struct");
    }

    /**
     * Once the native layer is bound (as in every session), vmlinux is mapped, not copied into the heap,
     * wherever the kernel lets sysfs BTF be mapped; elsewhere it is read, with the same types.
     */
    @Test
    void mapsOnceTheNativeLayerIsBound() throws Exception {
        KernelTestSupport.vmlinux();
        KernelTestSupport.requireBpf(); // binds jnr-ffi
        KernelBtf holder = new KernelBtf();
        Btf mapped = holder.vmlinux();
        assertEquals(mappable() ? KernelBtf.Source.MMAP : KernelBtf.Source.READ, holder.source());
        Btf read = Btf.index(KernelBtfFiles.read(KernelBtfFiles.path("vmlinux")), null);
        assertEquals(read.typeCount(), mapped.typeCount());
        for (int id = 1; id < read.typeCount(); id += 97) {
            assertEquals(read.type(id), mapped.type(id), "type " + id);
        }
    }

    /** The modules are exactly what /sys/kernel/btf holds besides vmlinux. */
    @Test
    void modulesAreWhatSysKernelBtfHolds() throws Exception {
        vmlinux();
        List<String> listed;
        try (var s = java.nio.file.Files.list(java.nio.file.Path.of("/sys/kernel/btf"))) {
            listed = s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("vmlinux")).sorted().toList();
        }
        assertEquals(listed, KernelBtf.shared().modules().stream().sorted().toList());
    }

    /**
     * Each module's split BTF over vmlinux, read by gew, prints byte for byte as bpftool prints the same
     * file with the same base ({@code bpftool btf dump file /sys/kernel/btf/MOD -B /sys/kernel/btf/vmlinux}).
     * One test per module the running kernel has; a kernel without modules (this project's CI host) has
     * none, and docs/kernels.md says which kernel ran them.
     */
    @TestFactory
    Stream<DynamicTest> moduleSplitBtfMatchesBpftool() throws Exception {
        Btf base = vmlinux();
        return KernelBtf.shared().modules().stream().sorted().map(m -> DynamicTest.dynamicTest(m, () -> {
            Btf split = KernelBtf.shared().module(m);
            assertEquals(base.typeCount(), split.firstTypeId(), "split BTF continues vmlinux's ids");
            String theirs = bpftool("btf", "dump", "file", "/sys/kernel/btf/" + m, "-B", VMLINUX);
            assertTrue(split.typeCount() == split.firstTypeId() || theirs.startsWith("[" + base.typeCount() + "] "),
                    "bpftool printed the split types only");
            assertLines(theirs, BtfRawDump.dump(split), "module " + m);
        }));
    }

    /**
     * The kernel BTF object ModuleBtfIds finds by name (vmlinux, and each module in /sys/kernel/btf) is the
     * one /sys/kernel/btf serves: the kernel hands out the same bytes for its id.
     */
    @TestFactory
    Stream<DynamicTest> kernelBtfObjectsAreFoundByName() throws Exception {
        vmlinux();
        KernelTestSupport.requireBpf();
        List<String> names = new ArrayList<>(List.of("vmlinux"));
        names.addAll(KernelBtf.shared().modules().stream().sorted().toList());
        return names.stream().map(n -> DynamicTest.dynamicTest(n, () -> {
            java.util.OptionalInt id = ModuleBtfIds.find(n);
            assertTrue(id.isPresent(), "no kernel BTF object is named " + n);
            Assertions.assertArrayEquals(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/sys/kernel/btf", n)),
                    Bpf.btf(id.getAsInt()).btf(), "BTF object " + id.getAsInt() + " holds " + n);
        }));
    }

    @Test
    void aNameNoKernelBtfHasIsNotFound() {
        KernelTestSupport.requireBpf();
        assertTrue(ModuleBtfIds.find("gew_no_such_module").isEmpty());
    }

    /** Equal texts, or the first line where they differ. */
    private static void assertLines(String theirs, String ours, String what) {
        if (!theirs.equals(ours)) {
            String[] a = theirs.split("\n", -1);
            String[] b = ours.split("\n", -1);
            for (int i = 0; i < Math.min(a.length, b.length); i++) {
                assertEquals(a[i], b[i], what + ": line " + (i + 1) + " of the raw dump");
            }
            assertEquals(a.length, b.length, what + ": lines in the raw dump");
        }
    }

    @Test
    void moduleNamesCannotEscapeTheFolder() {
        Assertions.assertThrows(IllegalArgumentException.class, () -> KernelBtfFiles.path("../../etc/passwd"));
        Assertions.assertThrows(IllegalArgumentException.class, () -> KernelBtfFiles.path(""));
    }
}
