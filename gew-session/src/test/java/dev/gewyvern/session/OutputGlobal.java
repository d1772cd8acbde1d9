package dev.gewyvern.session;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfType;
import dev.gewyvern.elf.GlobalVariable;

/**
 * A program's output global read back through the object's own BTF: each member of a struct by name
 * (each element of an array as {@code name[i]}), a scalar global by its own name; integers and enums
 * sign-extended where their type is signed, pointers as unsigned 64-bit values.
 */
final class OutputGlobal {
    private OutputGlobal() {
    }

    static Map<String, Long> decode(Btf btf, GlobalVariable v, ByteBuffer value) {
        Map<String, Long> out = new LinkedHashMap<>();
        int type = btf.resolve(v.btfTypeId());
        if (btf.type(type) instanceof BtfType.Struct s) {
            for (BtfType.Member m : s.members()) {
                if (m.bitfieldSize() != 0) {
                    throw new AssertionError(v.name() + "." + m.name() + " is a bitfield; outputs hold whole values");
                }
                put(btf, m.type(), m.name(), m.bitOffset() / 8, value, out);
            }
        } else {
            put(btf, type, v.name(), 0, value, out);
        }
        return out;
    }

    private static void put(Btf btf, int typeId, String name, int offset, ByteBuffer b, Map<String, Long> out) {
        BtfType t = btf.type(btf.resolve(typeId));
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
