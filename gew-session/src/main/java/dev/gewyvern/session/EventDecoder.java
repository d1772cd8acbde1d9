package dev.gewyvern.session;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

import com.google.protobuf.ByteString;
import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfException;
import dev.gewyvern.btf.BtfValues;
import dev.gewyvern.btf.ValueRenderer;
import dev.gewyvern.proto.v1.Event;

/**
 * Turns one record of a map into an {@link Event}: decoded by a BTF type of the session's object with the
 * renderer `gew session show` uses, compiled once for the stream ({@link ValueRenderer}), or left as bytes
 * when no type was named. Only the forms the stream's reader asked for are made ({@link EventStream.Form}).
 * A record whose size does not match its type is reported on that event, never thrown: shorter ones stay
 * bytes, longer ones are decoded from their start. A perf sample is padded by the kernel so that it ends on
 * 8 bytes with its u32 size, so up to 7 bytes more than the type is what an exact fit looks like there.
 * Used by one thread (the stream's deliverer): it reuses one text buffer.
 */
final class EventDecoder {
    private static final HexFormat HEX = HexFormat.of();

    private final String map;
    private final String typeName;
    private final long typeSize;
    private final boolean perf;
    private final ValueRenderer renderer;
    /** Why the type cannot decode anything (its BTF is broken): said on every event. */
    private final String typeError;
    private final StringBuilder text = new StringBuilder(256);

    private EventDecoder(String map, String typeName, long typeSize, boolean perf, ValueRenderer renderer,
                         String typeError) {
        this.map = map;
        this.typeName = typeName;
        this.typeSize = typeSize;
        this.perf = perf;
        this.renderer = renderer;
        this.typeError = typeError;
    }

    static EventDecoder raw(String map, boolean perf) {
        return new EventDecoder(map, "", 0, perf, null, null);
    }

    static EventDecoder typed(String map, Btf btf, int typeId, boolean perf) {
        String name = BtfValues.typeName(btf, typeId);
        long size = btf.sizeOf(typeId);
        try {
            return new EventDecoder(map, name, size, perf, ValueRenderer.of(btf, typeId), null);
        } catch (BtfException e) {
            return new EventDecoder(map, name, size, perf, null, e.getMessage());
        }
    }

    String map() {
        return map;
    }

    /** The record's bytes as the kernel would pad them for a perf sample of exactly the type's size. */
    private long paddedSize() {
        return ((typeSize + 4 + 7) & ~7L) - 4;
    }

    private static com.google.protobuf.Value hex(String digits) {
        return com.google.protobuf.Value.newBuilder().setStringValue("hex:" + digits).build();
    }

    /** The record of {@code length} bytes at the start of {@code data} as an event, in the forms {@code form} asks for. */
    Event decode(byte[] data, int length, int cpu, long unixNs, long seq, EventStream.Form form) {
        Event.Builder e = Event.newBuilder().setMap(map).setCpu(cpu).setUnixNs(unixNs).setSeq(seq);
        if (form == EventStream.Form.VALUE) {
            e.setRaw(ByteString.copyFrom(data, 0, length));
        }
        if (renderer == null && typeError == null) {
            return undecoded(e, data, length, form, null);
        }
        e.setType(typeName);
        if (typeError != null) {
            return undecoded(e, data, length, form, typeError);
        }
        if (length < typeSize) {
            return undecoded(e, data, length, form, length + " bytes, shorter than " + typeName + " (" + typeSize
                    + " bytes): left undecoded");
        }
        if (length > typeSize && !(perf && length <= paddedSize())) {
            e.setError(length + " bytes, longer than " + typeName + " (" + typeSize + " bytes): decoded its first "
                    + typeSize);
        }
        ByteBuffer value = ByteBuffer.wrap(data, 0, (int) typeSize).order(ByteOrder.nativeOrder());
        try {
            if (form != EventStream.Form.TEXT) {
                text.setLength(0);
                renderer.render(value, 0, text, true);
                if (form == EventStream.Form.JSON) {
                    e.setJson(text.toString());
                } else {
                    e.setEvent(JsonValues.of(text.toString()));
                }
            }
            if (form != EventStream.Form.JSON) {
                text.setLength(0);
                renderer.render(value, 0, text, false);
                e.setText(text.toString());
            }
            return e.build();
        } catch (BtfException x) {
            e.clearEvent().clearJson().clearText();
            return undecoded(e, data, length, form, x.getMessage());
        }
    }

    private static Event undecoded(Event.Builder e, byte[] data, int length, EventStream.Form form, String error) {
        String hex = HEX.formatHex(data, 0, length);
        if (form == EventStream.Form.JSON) {
            e.setJson("\"hex:" + hex + "\"");
        } else if (form == EventStream.Form.VALUE) {
            e.setEvent(hex(hex));
        }
        if (form != EventStream.Form.JSON) {
            e.setText("0x" + hex);
        }
        if (error != null) {
            e.setError(error);
        }
        return e.build();
    }
}
