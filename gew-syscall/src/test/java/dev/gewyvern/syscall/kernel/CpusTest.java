package dev.gewyvern.syscall.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.BitSet;

import org.junit.jupiter.api.Test;

class CpusTest {
    private static BitSet of(int... cpus) {
        BitSet b = new BitSet();
        for (int c : cpus) {
            b.set(c);
        }
        return b;
    }

    @Test
    void kernelCpuListsParse() {
        assertEquals(of(0), Cpus.parse("0\n"));
        assertEquals(of(0, 1, 2, 3), Cpus.parse("0-3"));
        assertEquals(of(0, 1, 4, 6, 7), Cpus.parse("0-1,4,6-7\n"));
        assertEquals(new BitSet(), Cpus.parse(""));
        assertEquals(8, Cpus.parse("0-7").length(), "the possible count is the highest CPU plus one");
    }

    @Test
    void anythingElseIsRefused() {
        for (String bad : new String[] {"a", "3-1", "1-2-3", "-1", "0,,1"}) {
            assertThrows(IllegalArgumentException.class, () -> Cpus.parse(bad), bad);
        }
    }

    @Test
    void thisMachinesListsAgree() {
        assertEquals(Runtime.getRuntime().availableProcessors() <= Cpus.possible(), true);
        assertEquals(true, Cpus.online().cardinality() >= 1);
    }
}
