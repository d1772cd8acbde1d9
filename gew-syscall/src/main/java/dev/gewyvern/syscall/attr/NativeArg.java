package dev.gewyvern.syscall.attr;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A buffer a pointer field of a kernel struct points to: input the kernel reads, or output it fills. */
public sealed interface NativeArg {

    int size();

    /** Bytes the kernel reads. */
    record In(byte[] bytes) implements NativeArg {
        public int size() {
            return bytes.length;
        }

        @Override
        public String toString() {
            return "<" + bytes.length + " bytes>";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof In other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    /** A buffer of {@code size} bytes the kernel writes into; compared by identity. */
    final class Out implements NativeArg {
        private final int size;

        public Out(int size) {
            if (size < 0) {
                throw new IllegalArgumentException("negative buffer size " + size);
            }
            this.size = size;
        }

        public int size() {
            return size;
        }

        @Override
        public String toString() {
            return "<out " + size + " bytes>";
        }
    }

    /**
     * A struct the kernel both reads and fills whose own pointer fields point to further buffers (e.g.
     * bpf_btf_info's {@code btf}): encoded when the call is made, read back after it.
     */
    final class Struct implements NativeArg {
        private final AttrLayout layout;
        private final java.util.function.Consumer<AttrBuffer> encoder;

        public Struct(AttrLayout layout, java.util.function.Consumer<AttrBuffer> encoder) {
            this.layout = layout;
            this.encoder = encoder;
        }

        public int size() {
            return layout.size();
        }

        public byte[] encode(PointerSpace pointers) {
            AttrBuffer out = new AttrBuffer(layout.size(), pointers);
            encoder.accept(out);
            return out.bytes();
        }

        @Override
        public String toString() {
            return "<" + layout.struct() + ">";
        }
    }

    /** {@code __u64 values[n]} in the host's byte order (offsets, cookies, addresses). */
    static In u64s(long[] values) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(values.length * 8).order(java.nio.ByteOrder.nativeOrder());
        for (long v : values) {
            b.putLong(v);
        }
        return new In(b.array());
    }

    static In cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return new In(Arrays.copyOf(b, b.length + 1));
    }
}
