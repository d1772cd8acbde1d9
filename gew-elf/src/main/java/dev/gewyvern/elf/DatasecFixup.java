package dev.gewyvern.elf;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.btf.BtfType;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes an object's BTF loadable, as libbpf's {@code btf_fixup_datasec} does: clang leaves every
 * DATASEC's size (and most VAR offsets) 0, which the kernel refuses. Each DATASEC whose size is 0
 * gets its ELF section's size and each of its VARs the offset of its symbol; then its VARs are
 * sorted by offset. DATASECs without an ELF section (externs: .kconfig, .ksyms) are left alone.
 *
 * <p>The fix is made in place on a copy of the original bytes, so the string section (and every
 * string offset line_info refers to) stays exactly as clang wrote it.
 */
final class DatasecFixup {
    private static final int RECORD_LEN = 12;

    private DatasecFixup() {
    }

    static byte[] fixup(byte[] original, Btf btf, ElfFile elf, List<Extern> externs) {
        byte[] out = original.clone();
        ByteBuffer b = ByteBuffer.wrap(out).order(btf.order());
        long hdrLen = Integer.toUnsignedLong(b.getInt(4));
        long start = hdrLen + Integer.toUnsignedLong(b.getInt(8));
        long end = start + Integer.toUnsignedLong(b.getInt(12));
        Map<String, ElfSymbol> symbols = new HashMap<>();
        for (ElfSymbol s : elf.symbols()) {
            if (s.inSection() && !s.isSection() && !s.name().isEmpty()) {
                symbols.putIfAbsent(s.sectionIndex() + "/" + s.name(), s);
            }
        }
        long p = start;
        int id = 1;
        Map<Integer, Integer> positions = new HashMap<>();
        while (p < end) {
            if (id >= btf.typeCount() || end > out.length || end - p < RECORD_LEN) {
                throw new ElfException(".BTF: type records do not match the parsed BTF at type " + id);
            }
            int info = b.getInt((int) p + 4);
            BtfKind kind = BtfKind.of((info >>> 24) & 0x1f);
            int vlen = info & 0xffff;
            if (kind == null || kind != btf.kind(id)) {
                throw new ElfException(".BTF: type records do not match the parsed BTF at type " + id);
            }
            long size = RECORD_LEN + trailing(kind, vlen);
            if (size > end - p) {
                throw new ElfException(".BTF: type " + id + " runs past the type section");
            }
            positions.put(id, (int) p);
            if (kind == BtfKind.DATASEC && btf.name(id).equals(Extern.KCONFIG)) {
                kconfig(b, (int) p, id, vlen, btf, externs, positions);
            } else if (kind == BtfKind.DATASEC) {
                datasec(b, (int) p, id, vlen, btf, elf, symbols);
            }
            p += size;
            id++;
        }
        int ksyms = btf.find(BtfKind.DATASEC, Extern.KSYMS);
        if (ksyms > 0 && positions.containsKey(ksyms)) {
            ksyms(b, positions.get(ksyms), ksyms, btf, positions);
        }
        return out;
    }

    /**
     * The .kconfig DATASEC gets the layout of the loader's .kconfig map, as libbpf gives it: each VAR
     * at its extern's offset, the section's size, and every VAR allocated ({@code linkage} 1: the
     * kernel refuses extern VARs).
     */
    private static void kconfig(ByteBuffer b, int p, int id, int vlen, Btf btf, List<Extern> externs,
                                Map<Integer, Integer> positions) {
        Map<String, Extern> byName = new HashMap<>();
        externs.forEach(e -> byName.put(e.name(), e));
        b.putInt(p + 8, Extern.kconfigSize(externs));
        List<int[]> entries = new ArrayList<>(vlen);
        for (int m = 0; m < vlen; m++) {
            int varId = b.getInt(p + RECORD_LEN + 12 * m);
            Extern e = byName.get(btf.name(varId));
            Integer varPos = positions.get(varId);
            if (e == null || e.kind() != Extern.Kind.KCONFIG || varPos == null) {
                throw new ElfException("DATASEC '.kconfig' (BTF type " + id + "): entry " + m + " (type " + varId
                        + ") is not a .kconfig extern declared before it");
            }
            entries.add(new int[] {varId, e.offset(), e.size()});
            b.putInt(varPos + RECORD_LEN, 1);
        }
        // the kernel wants a DATASEC's variables in offset order; the loader's layout is not the compiler's
        entries.sort((x, y) -> Integer.compare(x[1], y[1]));
        for (int m = 0; m < vlen; m++) {
            int q = p + RECORD_LEN + 12 * m;
            int[] v = entries.get(m);
            b.putInt(q, v[0]).putInt(q + 4, v[1]).putInt(q + 8, v[2]);
        }
    }

    /**
     * The .ksyms DATASEC made loadable, as libbpf makes it: the kernel refuses extern VARs and FUNCs,
     * so each VAR becomes an allocated 4-byte int, each FUNC a global one (its unnamed parameters
     * named after it), and each FUNC entry of the DATASEC points at a VAR instead; entries get
     * consecutive offsets and the section their total size. Programs refer to kernel symbols by the
     * kernel's own BTF ids, never through these types.
     */
    private static void ksyms(ByteBuffer b, int p, int id, Btf btf, Map<Integer, Integer> positions) {
        int vlen = b.getInt(p + 4) & 0xffff;
        int intId = -1;
        for (int t = 1; t < btf.typeCount() && intId < 0; t++) {
            if (btf.type(t) instanceof BtfType.Int i && i.size() == 4 && i.bits() == 32) {
                intId = t;
            }
        }
        int dummyVar = -1;
        for (int m = 0; m < vlen && dummyVar < 0; m++) {
            int t = b.getInt(p + RECORD_LEN + 12 * m);
            if (btf.type(t) instanceof BtfType.Var) {
                dummyVar = t;
            }
        }
        boolean dummyIsKsym = dummyVar > 0;
        for (int t = 1; t < btf.typeCount() && dummyVar < 0; t++) {
            if (btf.type(t) instanceof BtfType.Var) {
                dummyVar = t;
            }
        }
        int offset = 0;
        for (int m = 0; m < vlen; m++) {
            int q = p + RECORD_LEN + 12 * m;
            int t = b.getInt(q);
            Integer tp = positions.get(t);
            if (tp == null) {
                throw new ElfException("DATASEC '.ksyms' (BTF type " + id + "): entry " + m + " (type " + t
                        + ") is not declared before it");
            }
            BtfType type = btf.type(t);
            int entrySize;
            if (type instanceof BtfType.Var) {
                if (intId < 0) {
                    throw new ElfException("DATASEC '.ksyms': the object's BTF has no 4-byte int to type its variables with");
                }
                b.putInt(tp + 8, intId).putInt(tp + RECORD_LEN, 1);
                entrySize = 4;
            } else if (type instanceof BtfType.Func f) {
                int info = b.getInt(tp + 4);
                b.putInt(tp + 4, (info & ~0xffff) | 1);
                Integer proto = positions.get(f.type());
                if (proto != null && btf.type(f.type()) instanceof BtfType.FuncProto fp) {
                    for (int k = 0; k < fp.params().size(); k++) {
                        int at = proto + RECORD_LEN + 8 * k;
                        if (b.getInt(at) == 0 && b.getInt(at + 4) != 0) {
                            b.putInt(at, b.getInt(tp));
                        }
                    }
                }
                if (dummyVar < 0) {
                    throw new ElfException("DATASEC '.ksyms': the object's BTF has no VAR to stand for kfunc '"
                            + f.name() + "'");
                }
                BtfType.Var dv = (BtfType.Var) btf.type(dummyVar);
                entrySize = dummyIsKsym ? 4 : (int) btf.sizeOf(dv.type());
                b.putInt(q, dummyVar);
            } else {
                throw new ElfException("DATASEC '.ksyms' (BTF type " + id + ") holds a " + type.kind());
            }
            b.putInt(q + 4, offset).putInt(q + 8, entrySize);
            offset += entrySize;
        }
        b.putInt(p + 8, offset);
    }

    private static long trailing(BtfKind kind, int vlen) {
        switch (kind) {
            case INT:
            case VAR:
            case DECL_TAG:
                return 4;
            case ARRAY:
                return 12;
            case STRUCT:
            case UNION:
            case DATASEC:
            case ENUM64:
                return 12L * vlen;
            case ENUM:
            case FUNC_PROTO:
                return 8L * vlen;
            default:
                return 0;
        }
    }

    private static void datasec(ByteBuffer b, int p, int id, int vlen, Btf btf, ElfFile elf,
                                Map<String, ElfSymbol> symbols) {
        String name = btf.name(id);
        Optional<ElfSection> found = elf.section(name);
        if (found.isEmpty()) {
            return;
        }
        ElfSection sec = found.get();
        boolean fixOffsets = b.getInt(p + 8) == 0;
        if (fixOffsets) {
            if (sec.size() > 0xffff_ffffL) {
                throw new ElfException("DATASEC '" + name + "' (BTF type " + id + "): " + sec.describe() + " is "
                        + sec.size() + " bytes, too large for BTF");
            }
            b.putInt(p + 8, (int) sec.size());
        }
        List<int[]> vars = new ArrayList<>(vlen);
        for (int m = 0; m < vlen; m++) {
            int q = p + RECORD_LEN + 12 * m;
            int[] v = {b.getInt(q), b.getInt(q + 4), b.getInt(q + 8)};
            vars.add(v);
            BtfType t = btf.type(v[0]);
            if (!(t instanceof BtfType.Var)) {
                throw new ElfException("DATASEC '" + name + "' (BTF type " + id + ") holds type " + v[0] + ", a "
                        + t.kind() + " rather than a VAR");
            }
            BtfType.Var var = (BtfType.Var) t;
            if (var.linkage() == 2) {
                continue; // extern: no storage here
            }
            ElfSymbol sym = symbols.get(sec.index() + "/" + var.name());
            if (sym == null) {
                if (var.linkage() == 0) {
                    continue; // static: clang already wrote its offset
                }
                throw new ElfException("DATASEC '" + name + "' (BTF type " + id + "): VAR '" + var.name()
                        + "' has no symbol in " + sec.describe());
            }
            if (fixOffsets) {
                if (sym.value() < 0 || sym.value() > sec.size()) {
                    throw new ElfException("DATASEC '" + name + "': symbol '" + var.name() + "' at offset "
                            + Long.toUnsignedString(sym.value()) + " is outside " + sec.describe());
                }
                v[1] = (int) sym.value();
            }
        }
        vars.sort((x, y) -> Integer.compareUnsigned(x[1], y[1]));
        for (int m = 0; m < vlen; m++) {
            int q = p + RECORD_LEN + 12 * m;
            int[] v = vars.get(m);
            b.putInt(q, v[0]).putInt(q + 4, v[1]).putInt(q + 8, v[2]);
        }
    }
}
