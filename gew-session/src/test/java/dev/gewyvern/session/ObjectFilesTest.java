package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 6: which files a pipeline may make gewyvern read, and how. Needs root (the object folder must
 * be root's; mknod). Each test names its defence.
 */
class ObjectFilesTest {
    private static final byte[] SECRET = "TOPSECRET-6f72-CONTENT-OF-A-PRIVATE-FILE\n".getBytes();
    @TempDir
    Path tmp;
    private Path objects;

    @BeforeEach
    void setUp() throws Exception {
        objects = Files.createDirectory(tmp.resolve("objects"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.copy(KernelTestSupport.testdata("obj/execcount.bpf.o"), objects.resolve("execcount.bpf.o"));
    }

    private static Pipeline byPath(String path) {
        return Pipeline.newBuilder().setName("files").addObjects(BpfObject.newBuilder().setId("o").setPath(path))
                .addPrograms(Program.newBuilder().setObject("o").setName("count_execs")
                        .setAttach(EngineKernelTest.tp("count_execs", "syscalls", "sys_enter_execve").getAttach())).build();
    }

    private static SessionException refused(ObjectFiles files, Pipeline p) {
        return assertThrows(SessionException.class, () -> PreparedPipeline.of(p, files));
    }

    @Test
    void anObjectInsideTheFolderIsRead() {
        PreparedPipeline p = PreparedPipeline.of(byPath(objects.resolve("execcount.bpf.o").toString()),
                ObjectFiles.under(objects));
        assertFalse(p.object("o").parsed().programs().isEmpty());
    }

    /** Defence: ObjectFiles.NONE (a control plane without --object-dir names no file at all). */
    @Test
    void withoutAnObjectFolderNoPathIsReadAtAll() {
        SessionException e = refused(ObjectFiles.NONE, byPath("/etc/shadow"));
        assertEquals(SessionException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains("objects[0].path") && e.getMessage().contains("BpfObject.content"), e.getMessage());
        Pipeline inlineWithTarget = Pipeline.newBuilder(byPath("/x")).setObjects(0, BpfObject.newBuilder().setId("o")
                .setContent(com.google.protobuf.ByteString.copyFrom(new byte[] {1})).setTargetBtf("/etc/shadow")).build();
        assertTrue(refused(ObjectFiles.NONE, inlineWithTarget).getMessage().contains("objects[0].target_btf"));
    }

    /** Defence: Under.read's pure check on the path before any filesystem call. */
    @Test
    void aPathOutsideTheFolderIsRefusedBeforeItIsLookedAt() {
        ObjectFiles files = ObjectFiles.under(objects);
        for (String p : new String[] {"/etc/shadow", objects + "/../../etc/shadow", objects.toString(),
                tmp.resolve("elsewhere.o").toString()}) {
            SessionException e = refused(files, byPath(p));
            assertTrue(e.getMessage().contains("is not a file inside " + objects), e.getMessage());
        }
    }

    /**
     * Defence: Kernel.readRegularFile (O_NOFOLLOW|O_NONBLOCK, regular files only, a size cap) and Under.read's
     * walk (no link below the folder). Without O_NONBLOCK the FIFO blocks this test for good (the timeout
     * fails it); without the type check /dev/zero's twin is read until memory runs out.
     */
    @Test
    void onlyRegularFilesAreReadAndNothingBlocks() throws Exception {
        ObjectFiles files = ObjectFiles.under(objects);
        Files.createSymbolicLink(objects.resolve("link.o"), Path.of("/etc/shadow"));
        Files.createDirectory(objects.resolve("sub"));
        Files.createSymbolicLink(objects.resolve("subl"), objects.resolve("sub"));
        Files.copy(objects.resolve("execcount.bpf.o"), objects.resolve("sub/x.o"));
        assertEquals(0, new ProcessBuilder("mkfifo", objects.resolve("fifo.o").toString()).start().waitFor());
        assertEquals(0, new ProcessBuilder("mknod", objects.resolve("zero.o").toString(), "c", "1", "5").start().waitFor());
        try (RandomAccessFile big = new RandomAccessFile(objects.resolve("big.o").toFile(), "rw")) {
            big.setLength(ObjectFiles.MAX_BYTES + 1L); // sparse: costs no disk
        }
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            assertTrue(refused(files, byPath(objects.resolve("link.o").toString())).getMessage().contains("symbolic link"));
            assertTrue(refused(files, byPath(objects.resolve("subl/x.o").toString())).getMessage().contains("symbolic links"));
            assertTrue(refused(files, byPath(objects.resolve("fifo.o").toString())).getMessage().contains("not a regular file"));
            assertTrue(refused(files, byPath(objects.resolve("zero.o").toString())).getMessage().contains("not a regular file"));
            assertTrue(refused(files, byPath(objects.resolve("big.o").toString())).getMessage().contains("larger than"));
            assertTrue(refused(files, byPath(objects.resolve("sub").toString())).getMessage().contains("not a regular file"));
        }, "reading a FIFO or a device blocked");
        // the local rule reads the same way: root names anything, but a FIFO or a device is still refused
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertTrue(refused(ObjectFiles.ANYWHERE,
                byPath(objects.resolve("fifo.o").toString())).getMessage().contains("not a regular file")));
        assertArrayEquals(Files.readAllBytes(objects.resolve("sub/x.o")),
                ObjectFiles.under(objects).read("f", "w", objects.resolve("sub/x.o").toString()));
    }

    /**
     * No error quotes a file's content or a digest of it: a private file named as an object, as a target BTF,
     * and with a wrong SHA-256. Defences: PreparedObject's SHA-256 message (it used to print the file's
     * digest) and Btf's magic message (it used to print the first two bytes).
     */
    @Test
    void noErrorQuotesAFilesContentOrDigest() throws Exception {
        Path secret = Files.write(objects.resolve("secret.o"), SECRET);
        String digest = PreparedObject.sha256(SECRET);
        String hexStart = String.format("%02x%02x", SECRET[1], SECRET[0]);
        ObjectFiles files = ObjectFiles.under(objects);
        Pipeline asObject = byPath(secret.toString());
        Pipeline withSha = asObject.toBuilder().setObjects(0, asObject.getObjects(0).toBuilder().setSha256("0".repeat(64))).build();
        Pipeline asTarget = byPath(objects.resolve("execcount.bpf.o").toString()).toBuilder()
                .setObjects(0, BpfObject.newBuilder().setId("o").setPath(objects.resolve("execcount.bpf.o").toString())
                        .setTargetBtf(secret.toString())).build();
        for (Pipeline p : new Pipeline[] {asObject, withSha, asTarget}) {
            String m;
            try {
                PreparedPipeline prepared = PreparedPipeline.of(p, files);
                m = assertThrows(SessionException.class, () -> prepared.object("o").core()).getMessage();
            } catch (SessionException e) {
                m = e.getMessage();
            }
            assertFalse(m.contains("TOPSECRET") || m.contains(digest) || m.contains(hexStart) || m.contains("6f72"), m);
        }
    }

    /** Defence: Under.checked (a folder others may write lets them choose what the control plane loads). */
    @Test
    void theObjectFolderMustBeRootsAlone() throws Exception {
        Files.setPosixFilePermissions(objects, PosixFilePermissions.fromString("rwxrwxrwx"));
        SessionException e = assertThrows(SessionException.class, () -> ObjectFiles.under(objects));
        assertTrue(e.getMessage().contains("writable by no one else"), e.getMessage());
        Files.setPosixFilePermissions(objects, PosixFilePermissions.fromString("rwx------"));
        Path link = Files.createSymbolicLink(tmp.resolve("objects-link"), objects);
        assertThrows(SessionException.class, () -> ObjectFiles.under(link));
    }
}
