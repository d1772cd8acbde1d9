package dev.gewyvern.session;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfException;
import dev.gewyvern.btf.BtfJson;
import dev.gewyvern.btf.BtfType;
import dev.gewyvern.btf.BtfValues;
import dev.gewyvern.syscall.MapInfo;

/**
 * How a map's keys and values read and write: by their BTF types where the map has them, else as bytes
 * (text 0x…, JSON "hex:…", or a JSON integer for a 1, 2, 4 or 8-byte key or value). Host byte order.
 */
record MapTypes(Btf btf, int keyType, int valueType, int keySize, int valueSize) {
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    static MapTypes of(MapInfo info, Btf btf) {
        return new MapTypes(btf, btf == null ? 0 : info.btfKeyTypeId(), btf == null ? 0 : info.btfValueTypeId(),
                info.keySize(), info.valueSize());
    }

    String keyTypeName() {
        return keyType == 0 ? keySize + " bytes" : BtfValues.typeName(btf, keyType);
    }

    String valueTypeName() {
        return valueType == 0 ? valueSize + " bytes" : BtfValues.typeName(btf, valueType);
    }

    String keyText(byte[] b) {
        return text(keyType, b);
    }

    String valueText(byte[] b) {
        return text(valueType, b);
    }

    String keyJson(byte[] b) {
        return json(keyType, b);
    }

    String valueJson(byte[] b) {
        return json(valueType, b);
    }

    private String text(int type, byte[] b) {
        if (type == 0) {
            return "0x" + HexFormat.of().formatHex(b);
        }
        return BtfValues.format(btf, type, b, ORDER);
    }

    private String json(int type, byte[] b) {
        if (type == 0) {
            return "\"hex:" + HexFormat.of().formatHex(b) + "\"";
        }
        return BtfValues.json(btf, type, b, ORDER);
    }

    /**
     * A per-CPU map's value: one value for every CPU, or a JSON list of one per possible CPU ({@code copies}),
     * each padded to {@code stride} bytes, as the kernel takes it.
     */
    byte[] perCpuValue(String json, int copies, int stride) {
        java.util.List<byte[]> each = null;
        if (valueType != 0 && json.trim().startsWith("[")
                && !(btf.type(btf.resolve(valueType)) instanceof BtfType.Array)) {
            try {
                each = BtfJson.encodeEach(btf, valueType, json.trim(), ORDER);
            } catch (BtfException e) {
                throw SessionException.invalid(Step.MAP, "the value " + json + " (a list of " + valueTypeName()
                        + ", one per CPU): " + e.getMessage());
            }
        }
        if (each == null) {
            byte[] one = value(json);
            each = java.util.Collections.nCopies(copies, one);
        } else if (each.size() != copies) {
            throw SessionException.invalid(Step.MAP, "the value " + json + ": a per-CPU map takes one value, or a list of "
                    + copies + " (one per possible CPU); this list has " + each.size());
        }
        byte[] out = new byte[copies * stride];
        for (int c = 0; c < copies; c++) {
            System.arraycopy(each.get(c), 0, out, c * stride, each.get(c).length);
        }
        return out;
    }

    byte[] key(String json) {
        return encode(keyType, keySize, json, "key");
    }

    byte[] value(String json) {
        return encode(valueType, valueSize, json, "value");
    }

    /** JSON into {@code size} bytes of {@code type}, or of untyped bytes; refusals say which of key or value. */
    private byte[] encode(int type, int size, String json, String what) {
        String t = json.trim();
        try {
            byte[] bare = BtfJson.hex(t); // hex:… without JSON quotes, as a shell user types it
            if (bare != null) {
                if (bare.length != size) {
                    throw new BtfException(bare.length + " bytes of hex; the map's " + what + "s are " + size + " bytes");
                }
                return bare;
            }
            if (type != 0) {
                return BtfJson.encode(btf, type, t, ORDER);
            }
            byte[] raw = t.startsWith("\"hex:") && t.endsWith("\"") ? BtfJson.hex(t.substring(1, t.length() - 1))
                    : BtfJson.hex(t);
            if (raw != null) {
                if (raw.length != size) {
                    throw new BtfException(raw.length + " bytes of hex; the map's " + what + "s are " + size + " bytes");
                }
                return raw;
            }
            if (size == 1 || size == 2 || size == 4 || size == 8) {
                long v = Long.parseUnsignedLong(t);
                if (size < 8 && Long.compareUnsigned(v, (1L << (8 * size)) - 1) > 0) {
                    throw new BtfException(t + " does not fit the map's " + size + "-byte " + what + "s");
                }
                ByteBuffer b = ByteBuffer.allocate(8).order(ORDER).putLong(0, v);
                byte[] out = new byte[size];
                for (int i = 0; i < size; i++) {
                    out[i] = b.get(ORDER == ByteOrder.LITTLE_ENDIAN ? i : 8 - size + i);
                }
                return out;
            }
            throw new BtfException("the map's " + what + "s have no BTF type: give hex:… (" + size + " bytes)");
        } catch (NumberFormatException e) {
            throw SessionException.invalid(Step.MAP, "the " + what + " '" + json + "': the map's " + what + "s have no BTF "
                    + "type: give hex:… (" + size + " bytes) or an unsigned integer");
        } catch (BtfException e) {
            throw SessionException.invalid(Step.MAP, "the " + what + " " + json + " (" + (type == 0 ? size + " bytes"
                    : BtfValues.typeName(btf, type)) + "): " + e.getMessage());
        }
    }

    /** The value as a signed or unsigned integer when its type is one (an int or an enum up to 8 bytes), else null. */
    Long integer(byte[] b, boolean[] signed) {
        if (valueType == 0) {
            return null;
        }
        BtfType t = btf.type(btf.resolve(valueType));
        int size;
        boolean s;
        if (t instanceof BtfType.Int i && i.size() <= 8 && i.bitOffset() == 0 && i.bits() == i.size() * 8
                && (i.encoding() & BtfType.Int.BOOL) == 0) {
            size = i.size();
            s = i.signed();
        } else if (t instanceof BtfType.Enum e) {
            size = e.size();
            s = e.signed();
        } else {
            return null;
        }
        if (b.length < size) {
            return null;
        }
        ByteBuffer bb = ByteBuffer.wrap(b).order(ORDER);
        long v = switch (size) {
            case 1 -> s ? bb.get(0) : Byte.toUnsignedLong(bb.get(0));
            case 2 -> s ? bb.getShort(0) : Short.toUnsignedLong(bb.getShort(0));
            case 4 -> s ? bb.getInt(0) : Integer.toUnsignedLong(bb.getInt(0));
            case 8 -> bb.getLong(0);
            default -> 0;
        };
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            return null;
        }
        signed[0] = s;
        return v;
    }
}
