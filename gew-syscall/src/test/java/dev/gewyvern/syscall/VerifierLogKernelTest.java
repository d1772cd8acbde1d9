package dev.gewyvern.syscall;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.gewyvern.syscall.attr.NativeArg;
import dev.gewyvern.syscall.attr.ProgLoadAttr;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The verifier log on the running kernel: level 0 first, a retry with statistics, a buffer that grows. */
class VerifierLogKernelTest {
    private static final int SOCKET_FILTER = 1;

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
    }

    private static ProgLoadAttr program(byte[] insns, String name) {
        return ProgLoadAttr.of(SOCKET_FILTER, new NativeArg.In(insns), "GPL", name);
    }

    /** r0 = 0; {@code adds} times r0 += 1; then r0 = r2 (never written: the verifier refuses it); exit. */
    private static byte[] longThenWrong(int adds) {
        ByteBuffer b = ByteBuffer.allocate(8 * (adds + 3)).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0xb7).put((byte) 0).putShort((short) 0).putInt(0);
        for (int i = 0; i < adds; i++) {
            b.put((byte) 0x07).put((byte) 0).putShort((short) 0).putInt(1);
        }
        b.put((byte) 0xbf).put((byte) (2 << 4)).putShort((short) 0).putInt(0);
        b.put((byte) 0x95).put((byte) 0).putShort((short) 0).putInt(0);
        return b.array();
    }

    @Test
    void anAcceptedProgramHasNoLogButHasItsStatistics() {
        LoadedProgram p = Bpf.loadProgram(program(new Asm().movImm(0, 0).exit().bytes(), "gew_t_ok"), 1);
        try {
            assertNull(p.log(), "the first load is made without a log");
            assertTrue(p.stats().processedInsns() >= 2, p.stats().toString());
            assertTrue(p.stats().loadNanos() > 0, p.stats().toString());
        } finally {
            p.fd().close();
        }
    }

    @Test
    void aRefusalCarriesTheWholeLogWithStatistics() {
        BpfException e = assertThrows(BpfException.class, () -> Bpf.loadProgram(program(longThenWrong(3), "gew_t_bad"), 1));
        String log = e.verifierLog();
        assertTrue(log.contains("R2 !read_ok"), log);
        VerifierStats s = VerifierStats.parse(log, 0);
        assertTrue(s.processedInsns() >= 4 && s.verificationMicros() >= 0, "statistics in the log: " + s + "\n" + log);
    }

    @Test
    void aLogLargerThanTheFirstBufferIsGrownUntilItFits() {
        // level 2 prints every instruction with its state: far past the first 256 KiB buffer
        BpfException e = assertThrows(BpfException.class,
                () -> Bpf.loadProgram(program(longThenWrong(20_000), "gew_t_long"), 2));
        String log = e.verifierLog();
        assertTrue(log.length() > 256 * 1024, "log of " + log.length() + " characters");
        assertTrue(log.contains("R2 !read_ok"), "the log reaches the refusal at its end");
        assertTrue(log.contains("processed "), "and the statistics after it");
    }
}
