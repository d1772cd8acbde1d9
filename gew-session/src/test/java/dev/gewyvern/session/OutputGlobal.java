package dev.gewyvern.session;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfType;

/**
 * A value read back through BTF: each member of a struct or union by name (nested ones as
 * {@code outer.inner}, members of anonymous ones by their own names, array elements as {@code name[i]}),
 * a scalar by the name given; integers and enums sign-extended where their type is signed, pointers as
 * unsigned 64-bit values.
 */
final class OutputGlobal {
    private OutputGlobal() {
    }

    /** The value of type {@code typeId} at the start of {@code value}; {@code name} names it if it is a scalar. */
    static Map<String, Long> decode(Btf btf, int typeId, String name, ByteBuffer value) {
        Map<String, Long> out = new LinkedHashMap<>();
        BtfType t = btf.type(btf.resolve(typeId));
        if (t instanceof BtfType.Struct) {
            members(btf, (BtfType.Struct) t, "", 0, value, out);
        } else {
            put(btf, typeId, name, 0, value, out);
        }
        return out;
    }

    private static void members(Btf btf, BtfType.Struct s, String prefix, int base, ByteBuffer b, Map<String, Long> out) {
        for (BtfType.Member m : s.members()) {
            if (m.bitfieldSize() != 0) {
                throw new AssertionError(prefix + m.name() + " is a bitfield; outputs hold whole values");
            }
            put(btf, m.type(), m.name().isEmpty() ? prefix : prefix + m.name(), base + m.bitOffset() / 8, b, out);
        }
    }

    private static void put(Btf btf, int typeId, String name, int offset, ByteBuffer b, Map<String, Long> out) {
        BtfType t = btf.type(btf.resolve(typeId));
        if (t instanceof BtfType.Struct s) {
            members(btf, s, name.isEmpty() || name.endsWith(".") ? name : name + ".", offset, b, out);
            return;
        }
        if (t instanceof BtfType.Array a) {
            long elem = btf.sizeOf(a.elemType());
            for (int i = 0; i < a.nelems(); i++) {
                put(btf, a.elemType(), name + "[" + i + "]", (int) (offset + i * elem), b, out);
            }
            return;
        }
        boolean signed = t instanceof BtfType.Int i ? (i.encoding() & BtfType.Int.SIGNED) != 0
                : t instanceof BtfType.Enum e && e.signed();
        int size = (int) btf.sizeOf(typeId);
        long v = switch (size) {
            case 1 -> signed ? b.get(offset) : Byte.toUnsignedLong(b.get(offset));
            case 2 -> signed ? b.getShort(offset) : Short.toUnsignedLong(b.getShort(offset));
            case 4 -> signed ? b.getInt(offset) : Integer.toUnsignedLong(b.getInt(offset));
            case 8 -> b.getLong(offset);
            default -> throw new AssertionError(name + " is " + size + " bytes; outputs hold 1, 2, 4 or 8-byte values");
        };
        out.put(name, v);
    }
}
