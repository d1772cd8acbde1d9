package dev.gewyvern.syscall;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.btf.BtfSanitizer;
import dev.gewyvern.btf.BtfType;
import dev.gewyvern.btf.BtfWriter;
import dev.gewyvern.elf.BpfObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernel's BTF checker accepts what the sanitizer makes, for each group of kinds an older kernel
 * lacks (the groups arrived together: FUNC with FUNC_PROTO in 5.0, VAR with DATASEC in 5.2, ...).
 * Each BTF object is held by its fd only and closed.
 */
class BtfSanitizerKernelTest {

    static List<BtfType> btfkinds() throws IOException {
        byte[] obj = Files.readAllBytes(Path.of(System.getProperty("gew.repo", ".."), "testdata", "obj", "btfkinds.bpf.o"));
        // with the DATASEC sizes and VAR offsets filled from the ELF, as the kernel needs them
        Btf btf = Btf.parse(BpfObject.parse(obj).kernelBtf().orElseThrow());
        List<BtfType> types = new ArrayList<>();
        for (int id = 1; id < btf.typeCount(); id++) {
            types.add(btf.type(id));
        }
        return types;
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "FUNC FUNC_PROTO", "VAR DATASEC", "FLOAT", "DECL_TAG", "TYPE_TAG", "ENUM64",
            "FUNC FUNC_PROTO VAR DATASEC FLOAT DECL_TAG TYPE_TAG ENUM64"})
    void kernelLoadsSanitizedBtf(String missing) throws Exception {
        KernelTestSupport.requireBpf();
        Set<BtfKind> known = EnumSet.allOf(BtfKind.class);
        for (String k : missing.split(" ")) {
            if (!k.isEmpty()) {
                known.remove(BtfKind.valueOf(k));
            }
        }
        List<BtfType> out = BtfSanitizer.sanitize(btfkinds(), known, !missing.contains("FUNC"));
        byte[] bytes = BtfWriter.write(out, ByteOrder.nativeOrder());
        try (Fd fd = Bpf.loadBtf(bytes, "btfkinds sanitized without [" + missing + "]")) {
            org.junit.jupiter.api.Assertions.assertTrue(fd.value() >= 0);
        } catch (BpfException e) {
            org.junit.jupiter.api.Assertions.fail(e.getMessage() + "\n" + e.verifierLog());
        }
    }
}
