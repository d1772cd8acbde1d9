package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteOrder;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A big-endian object on a little-endian kernel: one line saying so, before any kernel call. */
class ForeignByteOrderIT {
    @Test
    void aBigEndianObjectIsRefusedInOneLineBeforeTheKernel() throws Exception {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "a little-endian machine");
        Gew.requireBpf();
        Gew.Result r = Gew.run("session", "apply", "--object", "testdata/obj/execcount.bpfeb.o", "--load-only",
                "--run", "true");
        assertEquals(3, r.exit(), "exit 3: refused before any kernel call; " + r);
        assertEquals("gew: compatibility: byte order big-endian (needed by execcount) is not supported here: the object "
                + "is big-endian (clang -target bpfeb) and this kernel is little-endian: rebuild it with clang -target "
                + "bpf or bpfel; `gew runtime info --verbose` lists what this kernel allows\n", r.err());
        assertFalse(r.out().contains("create"), r.toString());
    }
}
