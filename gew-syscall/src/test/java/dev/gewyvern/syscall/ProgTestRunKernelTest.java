package dev.gewyvern.syscall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import dev.gewyvern.syscall.attr.MapCreateAttr;
import dev.gewyvern.syscall.attr.NativeArg;
import dev.gewyvern.syscall.attr.ProgLoadAttr;
import dev.gewyvern.syscall.attr.ProgTestRunAttr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BPF_PROG_TEST_RUN (a program run once in the kernel, attached to nothing) and a program's translated
 * instructions (bpf_prog_info.xlated_prog_insns), for real.
 */
class ProgTestRunKernelTest {
    private static final int SOCKET_FILTER = 1;
    private static final int RAW_TRACEPOINT = 17;
    private static final int ARRAY = 2;

    private final List<Fd> fds = new ArrayList<>();

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
    }

    @AfterEach
    void tearDown() {
        for (int i = fds.size() - 1; i >= 0; i--) {
            fds.get(i).close();
        }
    }

    private Fd load(int type, byte[] insns, String name) {
        Fd fd = Bpf.loadProgram(ProgLoadAttr.of(type, new NativeArg.In(insns), "GPL", name), 1).fd();
        fds.add(fd);
        return fd;
    }

    @Test
    void aSocketFilterRunsOnAPacketAndReturnsItsValue() {
        Fd prog = load(SOCKET_FILTER, new Asm().movImm(0, 42).exit().bytes(), "gew_t_run42");
        byte[] packet = new byte[64];
        for (int i = 0; i < packet.length; i++) {
            packet[i] = (byte) i;
        }
        TestRun run = Bpf.testRun(new ProgTestRunAttr(prog.value(), new NativeArg.In(packet), new NativeArg.Out(128),
                1, null, null, 0, 0));
        assertEquals(42, run.retval());
        byte[] out = run.dataOut();
        assertEquals(packet.length, out.length, "the packet comes back cut to its size, not the buffer's");
        // the kernel rebuilds the Ethernet header it parsed; the payload after it is the program's to change
        assertArrayEquals(java.util.Arrays.copyOfRange(packet, 14, 64), java.util.Arrays.copyOfRange(out, 14, 64));
    }

    @Test
    void aRawTracepointProgramRunsOnTheContextItIsGiven() {
        // r0 = *(u64 *)(r1 + 8): the second argument of the tracepoint
        Fd prog = load(RAW_TRACEPOINT, new Asm().insn(0x79, 0, 1, 8, 0).exit().bytes(), "gew_t_rawctx");
        byte[] ctx = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(0, 5).putLong(8, 1234).array();
        assertEquals(1234, Bpf.testRun(ProgTestRunAttr.withContext(prog.value(), ctx)).retval());
        ctx = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(8, 99).array();
        assertEquals(99, Bpf.testRun(ProgTestRunAttr.withContext(prog.value(), ctx)).retval());
    }

    @Test
    void aRunTheKernelRefusesNamesTheProgramAndTheErrno() {
        Fd prog = load(RAW_TRACEPOINT, new Asm().movImm(0, 0).exit().bytes(), "gew_t_rawbad");
        // raw_tp runs take no packet data
        BpfException e = assertThrows(BpfException.class, () -> Bpf.testRun(new ProgTestRunAttr(prog.value(),
                new NativeArg.In(new byte[64]), null, 0, null, null, 0, 0)));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("BPF_PROG_TEST_RUN of program fd " + prog.value()), e.getMessage());
    }

    @Test
    void translatedInstructionsAreTheProgramWithMapIdsForMapFds() {
        byte[] plain = new Asm().movImm(0, 42).exit().bytes();
        Fd prog = load(SOCKET_FILTER, plain, "gew_t_xl");
        assertArrayEquals(plain, Bpf.xlatedInsns(prog), "nothing for the verifier to rewrite");

        Fd map = Bpf.createMap(MapCreateAttr.of(ARRAY, 4, 8, 1).withName("gew_t_xlmap"));
        fds.add(map);
        byte[] withMap = new Asm().ldMapFd(1, map.value()).movImm(0, 0).exit().bytes();
        Fd p2 = load(SOCKET_FILTER, withMap, "gew_t_xlm");
        byte[] x = Bpf.xlatedInsns(p2);
        assertEquals(Bpf.progInfo(p2).xlatedLen(), x.length);
        assertEquals(withMap.length, x.length);
        ByteBuffer b = ByteBuffer.wrap(x).order(ByteOrder.nativeOrder());
        assertEquals(0x18, b.get(0) & 0xff, "ld_imm64");
        assertEquals(1, (b.get(1) >> 4) & 0xf, "src_reg still BPF_PSEUDO_MAP_FD");
        assertEquals(Bpf.mapInfo(map).id(), b.getInt(4), "the map's id where the fd was");
        assertEquals(0, b.getInt(12), "upper half of the 64-bit immediate");
        assertArrayEquals(java.util.Arrays.copyOfRange(withMap, 16, 32), java.util.Arrays.copyOfRange(x, 16, 32));
    }
}
