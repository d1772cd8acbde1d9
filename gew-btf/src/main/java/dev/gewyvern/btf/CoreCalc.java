package dev.gewyvern.btf;

import java.nio.ByteOrder;

/**
 * The value a relocation takes for one spec (the local one, or a matched target), libbpf's
 * {@code bpf_core_calc_*_relo}: field offsets, sizes, signedness and bitfield shifts; type ids,
 * existence and sizes; enumerator existence and values.
 */
final class CoreCalc {
    private CoreCalc() {
    }

    /** One side's value; {@code size}/{@code typeId} the memory size and type a load of the field has (0: none). */
    record Value(long value, int size, int typeId, boolean validate, boolean missing) {
        static Value none() {
            return new Value(0, 0, 0, true, true);
        }
    }

    /** The value for {@code spec} (null: no target matched); {@code order} decides bitfield shifts. */
    static Value of(CoreReloKind kind, CoreSpec spec, ByteOrder order) {
        if (kind.fieldBased()) {
            return field(kind, spec, order);
        }
        if (kind.typeBased()) {
            return type(kind, spec);
        }
        return enumval(kind, spec);
    }

    private static Value field(CoreReloKind kind, CoreSpec spec, ByteOrder order) {
        if (kind == CoreReloKind.FIELD_EXISTS) {
            return new Value(spec == null ? 0 : 1, 0, 0, true, false);
        }
        if (spec == null) {
            return Value.none();
        }
        Btf btf = spec.btf();
        CoreSpec.Accessor acc = spec.accessors().get(spec.accessors().size() - 1);
        if (acc.isArrayIndex()) {
            long sz = btf.sizeOf(acc.typeId());
            switch (kind) {
                case FIELD_BYTE_OFFSET:
                    return new Value(spec.bitOffset() / 8, (int) sz, acc.typeId(), true, false);
                case FIELD_BYTE_SIZE:
                    return new Value(sz, 0, 0, true, false);
                default:
                    throw new CoreException("CO-RE " + kind.label() + " relocation of " + spec.describe()
                            + " cannot be applied to an array element");
            }
        }
        BtfType.Struct owner = (BtfType.Struct) btf.type(acc.typeId());
        BtfType.Member m = owner.members().get(acc.index());
        int fieldType = btf.resolve(m.type());
        BtfType mt = btf.type(fieldType);
        long bitOff = spec.bitOffset();
        long bitSz = m.bitfieldSize();
        boolean bitfield = bitSz > 0;
        long byteSz;
        long byteOff;
        if (bitfield) {
            byteSz = btf.sizeOf(fieldType);
            byteOff = bitOff / 8 / byteSz * byteSz;
            while (bitOff + bitSz - byteOff * 8 > byteSz * 8) {
                if (byteSz >= 8) {
                    throw new CoreException("CO-RE " + kind.label() + " relocation of " + spec.describe()
                            + ": the bitfield cannot be read with one 64-bit load");
                }
                byteSz *= 2;
                byteOff = bitOff / 8 / byteSz * byteSz;
            }
        } else {
            byteSz = btf.sizeOf(fieldType);
            byteOff = bitOff / 8;
            bitSz = byteSz * 8;
        }
        switch (kind) {
            case FIELD_BYTE_OFFSET:
                return bitfield ? new Value(byteOff, 0, 0, false, false)
                        : new Value(byteOff, (int) byteSz, fieldType, true, false);
            case FIELD_BYTE_SIZE:
                return new Value(byteSz, 0, 0, !bitfield, false);
            case FIELD_SIGNED: {
                boolean signed = (mt instanceof BtfType.Enum e && e.signed()) || (mt instanceof BtfType.Int i && i.signed());
                return new Value(signed ? 1 : 0, 0, 0, true, false);
            }
            case FIELD_LSHIFT_U64: {
                long v = order == ByteOrder.LITTLE_ENDIAN ? 64 - (bitOff + bitSz - byteOff * 8)
                        : (8 - byteSz) * 8 + (bitOff - byteOff * 8);
                return new Value(v, 0, 0, !bitfield, false);
            }
            case FIELD_RSHIFT_U64:
                return new Value(64 - bitSz, 0, 0, true, false);
            default:
                throw new AssertionError(kind);
        }
    }

    private static Value type(CoreReloKind kind, CoreSpec spec) {
        if (spec == null) {
            return new Value(0, 0, 0, true, false);
        }
        switch (kind) {
            case TYPE_ID_TARGET:
                return new Value(spec.rootTypeId(), 0, 0, false, false);
            case TYPE_EXISTS:
            case TYPE_MATCHES:
                return new Value(1, 0, 0, true, false);
            case TYPE_SIZE:
                return new Value(spec.btf().sizeOf(spec.rootTypeId()), 0, 0, true, false);
            default:
                throw new AssertionError(kind);
        }
    }

    private static Value enumval(CoreReloKind kind, CoreSpec spec) {
        if (kind == CoreReloKind.ENUMVAL_EXISTS) {
            return new Value(spec == null ? 0 : 1, 0, 0, true, false);
        }
        if (spec == null) {
            return Value.none();
        }
        CoreSpec.Accessor acc = spec.accessors().get(0);
        BtfType.Enum e = (BtfType.Enum) spec.btf().type(acc.typeId());
        long v = e.values().get(acc.index()).value();
        return new Value(e.wide() ? v : (long) (int) v, 0, 0, true, false);
    }
}
