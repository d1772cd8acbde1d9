package dev.gewyvern.session;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

import com.google.protobuf.ByteString;
import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfException;
import dev.gewyvern.btf.BtfValues;
import dev.gewyvern.proto.v1.Event;

/**
 * Turns one record of a map into an {@link Event}: decoded by a BTF type of the session's object with the
 * renderer `gew session show` uses (as JSON and as text), or left as bytes when no type was named. A record
 * whose size does not match its type is reported on that event, never thrown: shorter ones stay bytes,
 * longer ones are decoded from their start. A perf sample is padded by the kernel so that it ends on
 * 8 bytes with its u32 size, so up to 7 bytes more than the type is what an exact fit looks like there.
 */
record EventDecoder(String map, Btf btf, int typeId, String typeName, long typeSize, boolean perf) {

    static EventDecoder raw(String map, boolean perf) {
        return new EventDecoder(map, null, 0, "", 0, perf);
    }

    static EventDecoder typed(String map, Btf btf, int typeId, boolean perf) {
        return new EventDecoder(map, btf, typeId, BtfValues.typeName(btf, typeId), btf.sizeOf(typeId), perf);
    }

    /** The record's bytes as the kernel would pad them for a perf sample of exactly the type's size. */
    private long paddedSize() {
        return ((typeSize + 4 + 7) & ~7L) - 4;
    }

    private static com.google.protobuf.Value hex(String digits) {
        return com.google.protobuf.Value.newBuilder().setStringValue("hex:" + digits).build();
    }

    Event decode(byte[] data, int length, int cpu, long unixNs, long seq) {
        Event.Builder e = Event.newBuilder().setMap(map).setCpu(cpu).setUnixNs(unixNs).setSeq(seq)
                .setRaw(ByteString.copyFrom(data, 0, length));
        if (btf == null) {
            String hex = HexFormat.of().formatHex(data, 0, length);
            return e.setEvent(hex(hex)).setText("0x" + hex).build();
        }
        e.setType(typeName);
        if (length < typeSize) {
            String hex = HexFormat.of().formatHex(data, 0, length);
            return e.setEvent(hex(hex)).setText("0x" + hex).setError(length + " bytes, shorter than "
                    + typeName + " (" + typeSize + " bytes): left undecoded").build();
        }
        if (length > typeSize && !(perf && length <= paddedSize())) {
            e.setError(length + " bytes, longer than " + typeName + " (" + typeSize + " bytes): decoded its first "
                    + typeSize);
        }
        byte[] value = Arrays.copyOf(data, (int) typeSize);
        try {
            return e.setEvent(JsonValues.of(BtfValues.json(btf, typeId, value, ByteOrder.nativeOrder())))
                    .setText(BtfValues.format(btf, typeId, value, ByteOrder.nativeOrder())).build();
        } catch (BtfException x) {
            String hex = HexFormat.of().formatHex(data, 0, length);
            return e.setEvent(hex(hex)).setText("0x" + hex).setError(x.getMessage()).build();
        }
    }
}
