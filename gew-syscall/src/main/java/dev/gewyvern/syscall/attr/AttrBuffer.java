package dev.gewyvern.syscall.attr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** The bytes of one kernel struct being encoded, in the host's byte order, written field by field. */
public final class AttrBuffer {
    private final ByteBuffer buf;
    private final PointerSpace pointers;

    public AttrBuffer(int size, PointerSpace pointers) {
        this.buf = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
        this.pointers = pointers;
    }

    private void check(AttrField f, int size) {
        if (f.size() != size) {
            throw new IllegalStateException("field " + f.name() + " is " + f.size() + " bytes, written as " + size);
        }
    }

    public AttrBuffer u32(AttrField f, int v) {
        check(f, 4);
        buf.putInt(f.offset(), v);
        return this;
    }

    public AttrBuffer u64(AttrField f, long v) {
        check(f, 8);
        buf.putLong(f.offset(), v);
        return this;
    }

    /** A pointer field: 0 for null, else the address the pointer space gives the buffer. */
    public AttrBuffer ptr(AttrField f, NativeArg arg) {
        check(f, 8);
        buf.putLong(f.offset(), arg == null ? 0 : pointers.address(arg));
        return this;
    }

    /** A fixed char array, NUL-padded; longer names are cut to leave the final NUL. */
    public AttrBuffer chars(AttrField f, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(b.length, f.size() - 1);
        buf.put(f.offset(), b, 0, n);
        return this;
    }

    public byte[] bytes() {
        return buf.array();
    }
}
