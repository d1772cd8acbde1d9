package dev.gewyvern.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A loaded program's translated instructions (bpf_prog_info.xlated_prog_insns) as lines that two loads
 * of one object share exactly when the kernel runs the same code: map references (ld_imm64 of a map id,
 * src_reg BPF_PSEUDO_MAP_FD or _VALUE) name the map by its pin name instead of its id, and other
 * kernel addresses in 64-bit immediates (callback and helper-data pointers, which differ per load) read
 * {@code <kernel address>}. The {@code .kconfig} map has libbpf's layout under both loaders (externs by
 * alignment, size, name), so references into it match offset for offset. Pure: bytes in, lines out; the
 * tests that hold gewyvern's loads against libbpf's compare these.
 */
public final class XlatedListing {
    private static final long KERNEL_SPACE = 0xffff800000000000L;

    private XlatedListing() {
    }

    /** One line per instruction slot pair or slot, "index: opcode dst src off imm". */
    public static List<String> lines(byte[] xlated, Map<Integer, String> mapNamesById) {
        ByteBuffer b = ByteBuffer.wrap(xlated).order(ByteOrder.nativeOrder());
        List<String> out = new ArrayList<>();
        for (int i = 0; i < xlated.length / Insn.SIZE; i++) {
            int at = i * Insn.SIZE;
            int opcode = b.get(at) & 0xff;
            int dst = b.get(at + 1) & 0xf;
            int src = (b.get(at + 1) >> 4) & 0xf;
            int off = b.getShort(at + 2);
            int imm = b.getInt(at + 4);
            String head = i + ": op 0x" + Integer.toHexString(opcode) + " r" + dst + " r" + src + " off " + off;
            if (opcode == Insn.LD_IMM64 && at + 2 * Insn.SIZE <= xlated.length) {
                int high = b.getInt(at + Insn.SIZE + 4);
                long value = ((long) high << 32) | (imm & 0xffffffffL);
                if (src == Insn.PSEUDO_MAP_FD || src == Insn.PSEUDO_MAP_VALUE) {
                    String name = mapNamesById.get(imm);
                    out.add(head + " map " + (name == null ? "<id " + imm + " of no map of this object>" : name)
                            + (src == Insn.PSEUDO_MAP_VALUE ? " value+" + high : ""));
                } else if (src == 0 && Long.compareUnsigned(value, KERNEL_SPACE) >= 0) {
                    out.add(head + " <kernel address>");
                } else {
                    out.add(head + " imm64 0x" + Long.toHexString(value));
                }
                i++;
                continue;
            }
            out.add(head + " imm " + imm);
        }
        return out;
    }

    /** The first line where two listings differ, with a few lines of context, for an assertion message. */
    public static String firstDifference(List<String> expected, List<String> actual) {
        int n = Math.min(expected.size(), actual.size());
        int i = 0;
        while (i < n && expected.get(i).equals(actual.get(i))) {
            i++;
        }
        if (i == n && expected.size() == actual.size()) {
            return "no difference";
        }
        int from = Math.max(0, i - 3);
        return "first difference at line " + i + " (of " + expected.size() + " vs " + actual.size() + ")\n  libbpf: "
                + String.join("\n          ", expected.subList(from, Math.min(expected.size(), i + 3)))
                + "\n  gew:    " + String.join("\n          ", actual.subList(from, Math.min(actual.size(), i + 3)));
    }
}
