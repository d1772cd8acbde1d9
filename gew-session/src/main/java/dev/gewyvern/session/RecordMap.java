package dev.gewyvern.session;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.attr.MapCreateAttr;

/**
 * A protobuf record kept in bpffs: a one-entry array map whose value is a 4-byte length and the
 * message's bytes. bpffs holds only BPF objects and folders, so this is how a session's record can
 * live in the session's own folder and vanish with it.
 */
final class RecordMap implements AutoCloseable {
    private static final byte[] KEY0 = new byte[4];

    private final Fd fd;
    private final int capacity;

    private RecordMap(Fd fd, int capacity) {
        this.fd = fd;
        this.capacity = capacity;
    }

    /** A new record map with room for {@code expected} bytes of message and generous headroom. */
    static RecordMap create(String name, int expected) {
        int capacity = Math.max(4096, ((expected * 2 + 4 + 4095) / 4096) * 4096);
        Fd fd = Bpf.createMap(MapCreateAttr.of(MapType.ARRAY, 4, capacity, 1).withName(name));
        return new RecordMap(fd, capacity);
    }

    static RecordMap open(String path) {
        Fd fd = Bpf.get(path, "map");
        try {
            return new RecordMap(fd, Bpf.mapInfo(fd).valueSize());
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    Fd fd() {
        return fd;
    }

    void write(MessageLite message) {
        byte[] body = message.toByteArray();
        if (body.length + 4 > capacity) {
            throw SessionException.internal(Step.COMMIT, "the session record (" + body.length
                    + " bytes) outgrew its map (" + capacity + " bytes)", null);
        }
        ByteBuffer b = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(body.length).put(body);
        Bpf.update(fd, KEY0, b.array(), 0);
    }

    <T> T read(Parser<T> parser, String where) {
        byte[] v = Bpf.lookup(fd, KEY0, capacity);
        if (v == null) {
            throw SessionException.system(Step.SHOW, "the record map at " + where + " is empty");
        }
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        int len = b.getInt();
        if (len < 0 || len > capacity - 4) {
            throw SessionException.system(Step.SHOW, "the record at " + where + " claims " + len
                    + " bytes in a " + capacity + "-byte map: it is not one of ours or it is damaged");
        }
        try {
            return parser.parseFrom(ByteBuffer.wrap(v, 4, len));
        } catch (InvalidProtocolBufferException e) {
            throw SessionException.system(Step.SHOW, "the record at " + where + " does not parse: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        fd.close();
    }
}
