// SPDX-License-Identifier: MIT
// Writes the BPF objects a binary embeds (as libbpf skeletons do: the whole ELF object as a byte array) to
// a folder: every 64-bit ELF image in it whose machine is EM_BPF (247), cut at the end of its section header
// table. Usage: java EmbeddedObjects.java BINARY OUTDIR  -> prints the files written, one per line.

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

public final class EmbeddedObjects {
    private static final int EM_BPF = 247;

    public static void main(String[] args) throws Exception {
        Path binary = Path.of(args[0]);
        Path out = Files.createDirectories(Path.of(args[1]));
        byte[] b = Files.readAllBytes(binary);
        int found = 0;
        for (int i = 0; i + 64 <= b.length; i++) {
            if (b[i] != 0x7f || b[i + 1] != 'E' || b[i + 2] != 'L' || b[i + 3] != 'F' || b[i + 4] != 2) {
                continue; // not the start of an ELF64 image
            }
            ByteBuffer h = ByteBuffer.wrap(b, i, 64).slice()
                    .order(b[i + 5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            if (Short.toUnsignedInt(h.getShort(18)) != EM_BPF) {
                continue;
            }
            long end = h.getLong(40) + (long) Short.toUnsignedInt(h.getShort(58)) * Short.toUnsignedInt(h.getShort(60));
            if (end <= 64 || i + end > b.length) {
                continue;
            }
            Path o = out.resolve(binary.getFileName() + (found == 0 ? "" : "." + found) + ".bpf.o");
            Files.write(o, java.util.Arrays.copyOfRange(b, i, (int) (i + end)));
            System.out.println(o);
            found++;
            i += (int) end - 1;
        }
        if (found == 0) {
            System.err.println("EmbeddedObjects: no BPF object in " + binary);
            System.exit(1);
        }
    }
}
