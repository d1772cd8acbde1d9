package dev.gewyvern.session;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Fd;

/** The counters of a test object's u32 -> u64 array map, read by fd (one the test holds, so it outlives a detach). */
final class ArrayCounts {
    private ArrayCounts() {
    }

    /** Slots 0 to n-1. */
    static List<Long> read(Fd map, int n) {
        List<Long> out = new ArrayList<>();
        for (int slot = 0; slot < n; slot++) {
            byte[] key = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(slot).array();
            out.add(ByteBuffer.wrap(Bpf.lookup(map, key, 8)).order(ByteOrder.nativeOrder()).getLong());
        }
        return out;
    }
}
