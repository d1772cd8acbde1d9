package dev.gewyvern.syscall;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import dev.gewyvern.syscall.attr.AttrField;

/** Reads fields of a bpf_*_info struct the kernel filled. */
final class InfoReader {
    private final ByteBuffer b;

    InfoReader(byte[] bytes) {
        this.b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    }

    int u32(AttrField f) {
        return b.getInt(f.offset());
    }

    long u64(AttrField f) {
        return b.getLong(f.offset());
    }

    String chars(AttrField f) {
        int n = 0;
        while (n < f.size() && b.get(f.offset() + n) != 0) {
            n++;
        }
        byte[] s = new byte[n];
        b.get(f.offset(), s);
        return new String(s, StandardCharsets.UTF_8);
    }

    String hex(AttrField f) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < f.size(); i++) {
            sb.append(String.format("%02x", b.get(f.offset() + i)));
        }
        return sb.toString();
    }
}
