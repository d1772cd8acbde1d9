package dev.gewyvern.syscall.probes;

import java.util.List;

import dev.gewyvern.btf.BtfType;

/** The BTF kinds a loader may have to sanitize away on older kernels, each in the smallest BTF with it. */
enum BtfKindProbe {
    FUNC, DATASEC, FLOAT, DECL_TAG, TYPE_TAG, ENUM64;

    List<BtfType> types() {
        BtfType.Int i = new BtfType.Int("int", 4, BtfType.Int.SIGNED, 0, 32);
        switch (this) {
            case FUNC: return List.of(i, new BtfType.FuncProto(1, List.of()), new BtfType.Func("f", 2, 0));
            case DATASEC: return List.of(i, new BtfType.Var("x", 1, 1),
                    new BtfType.Datasec(".data", 4, List.of(new BtfType.SecInfo(2, 0, 4))));
            case FLOAT: return List.of(new BtfType.Float("float", 4));
            case DECL_TAG: return List.of(i, new BtfType.Typedef("t", 1), new BtfType.DeclTag("tag", 2, -1));
            case TYPE_TAG: return List.of(i, new BtfType.TypeTag("tag", 1), new BtfType.Ptr(2));
            default: return List.of(new BtfType.Enum("e", 8, false, true,
                    List.of(new BtfType.EnumValue("E", 1L << 40))));
        }
    }
}
