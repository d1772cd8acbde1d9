package dev.gewyvern.btf;

import java.util.List;

/**
 * One BTF type, decoded. Type references are type ids in the same BTF (0 is void). Names are
 * resolved strings; the empty string is an anonymous type.
 */
public sealed interface BtfType {

    BtfKind kind();

    /** The type's name, "" when anonymous or when the kind has none. */
    default String name() {
        return "";
    }

    record Void() implements BtfType {
        public BtfKind kind() { return BtfKind.VOID; }
    }

    /** An integer; {@code encoding} holds {@link #SIGNED}, {@link #CHAR}, {@link #BOOL}. */
    record Int(String name, int size, int encoding, int bitOffset, int bits) implements BtfType {
        public static final int SIGNED = 1;
        public static final int CHAR = 2;
        public static final int BOOL = 4;
        public BtfKind kind() { return BtfKind.INT; }
        public boolean signed() { return (encoding & SIGNED) != 0; }
    }

    record Ptr(int type) implements BtfType {
        public BtfKind kind() { return BtfKind.PTR; }
    }

    record Array(int elemType, int indexType, int nelems) implements BtfType {
        public BtfKind kind() { return BtfKind.ARRAY; }
    }

    /** A member; {@code bitfieldSize} is 0 for a plain member. */
    record Member(String name, int type, int bitOffset, int bitfieldSize) {}

    /**
     * A struct or union. {@code bitfieldEncoding} is the kind_flag: member offsets carry a bitfield
     * size in their top 8 bits.
     */
    record Struct(String name, int size, boolean union, boolean bitfieldEncoding, List<Member> members)
            implements BtfType {
        public Struct {
            members = List.copyOf(members);
        }
        public BtfKind kind() { return union ? BtfKind.UNION : BtfKind.STRUCT; }
    }

    record EnumValue(String name, long value) {}

    /** ENUM (4-byte values) or ENUM64; {@code signed} is the kind_flag. */
    record Enum(String name, int size, boolean signed, boolean wide, List<EnumValue> values) implements BtfType {
        public Enum {
            values = List.copyOf(values);
        }
        public BtfKind kind() { return wide ? BtfKind.ENUM64 : BtfKind.ENUM; }
    }

    record Fwd(String name, boolean union) implements BtfType {
        public BtfKind kind() { return BtfKind.FWD; }
    }

    record Typedef(String name, int type) implements BtfType {
        public BtfKind kind() { return BtfKind.TYPEDEF; }
    }

    /** VOLATILE, CONST, RESTRICT: a qualifier over {@code type}. */
    record Qualifier(BtfKind kind, int type) implements BtfType {
        public Qualifier {
            if (kind != BtfKind.VOLATILE && kind != BtfKind.CONST && kind != BtfKind.RESTRICT) {
                throw new IllegalArgumentException("not a qualifier kind: " + kind);
            }
        }
    }

    record TypeTag(String name, int type) implements BtfType {
        public BtfKind kind() { return BtfKind.TYPE_TAG; }
    }

    /** A function; {@code linkage} 0 static, 1 global, 2 extern. {@code type} is its FUNC_PROTO. */
    record Func(String name, int type, int linkage) implements BtfType {
        public BtfKind kind() { return BtfKind.FUNC; }
    }

    record Param(String name, int type) {}

    record FuncProto(int returnType, List<Param> params) implements BtfType {
        public FuncProto {
            params = List.copyOf(params);
        }
        public BtfKind kind() { return BtfKind.FUNC_PROTO; }
    }

    /** A variable; {@code linkage} 0 static, 1 global allocated, 2 extern. */
    record Var(String name, int type, int linkage) implements BtfType {
        public BtfKind kind() { return BtfKind.VAR; }
    }

    record SecInfo(int type, int offset, int size) {}

    record Datasec(String name, int size, List<SecInfo> vars) implements BtfType {
        public Datasec {
            vars = List.copyOf(vars);
        }
        public BtfKind kind() { return BtfKind.DATASEC; }
    }

    record Float(String name, int size) implements BtfType {
        public BtfKind kind() { return BtfKind.FLOAT; }
    }

    /** A tag on a type ({@code componentIdx} -1), or on a member or parameter (its index). */
    record DeclTag(String name, int type, int componentIdx) implements BtfType {
        public BtfKind kind() { return BtfKind.DECL_TAG; }
    }
}
