package dev.gewyvern.elf;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfException;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.btf.BtfType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An extern of an object: a {@code .kconfig} value the loader supplies (LINUX_KERNEL_VERSION,
 * LINUX_HAS_SYSCALL_WRAPPER, CONFIG_*), or a {@code .ksyms} kernel symbol or kfunc. A weak extern
 * the kernel lacks is zero; a strong one is an error.
 *
 * @param btfTypeId the VAR's type (a FUNC's own id for a kfunc) in the object's BTF
 * @param size      bytes the value takes in the .kconfig map (0 for .ksyms)
 * @param offset    where the loader places it in the .kconfig map (0 for .ksyms)
 */
public record Extern(String name, Kind kind, int btfTypeId, int size, int offset, boolean weak) {
    public static final String KCONFIG = ".kconfig";
    public static final String KSYMS = ".ksyms";

    public enum Kind {
        /** A {@code __kconfig} value, read from the kernel's configuration. */
        KCONFIG,
        /** A {@code __ksym} variable (typed, or typeless {@code const void}). */
        KSYM,
        /** A {@code __ksym} function: a kernel function the program calls (kfunc). */
        KFUNC
    }

    /** The section the extern's DATASEC is named for. */
    public String section() {
        return kind == Kind.KCONFIG ? KCONFIG : KSYMS;
    }

    /**
     * Reads the externs: undefined ELF symbols described by BTF DATASECs .kconfig and .ksyms. An extern
     * that cannot be read (no BTF, no DATASEC entry as compilers before clang 10 wrote, a type without
     * size) is a problem of that extern only, added to {@code problems}; the programs that use it cannot
     * be loaded.
     */
    static List<Extern> read(ElfFile elf, Btf btf, List<ObjectProblem> problems) {
        Map<String, ElfSymbol> undefined = new java.util.LinkedHashMap<>();
        for (ElfSymbol s : elf.symbols()) {
            if (s.undefined() && !s.name().isEmpty() && s.isGlobal()) {
                undefined.putIfAbsent(s.name(), s);
            }
        }
        List<Extern> out = new ArrayList<>();
        if (undefined.isEmpty()) {
            return out;
        }
        if (btf == null) {
            for (String name : undefined.keySet()) {
                problems.add(new ObjectProblem(ObjectProblem.Item.EXTERN, name, "the object has no usable .BTF section "
                        + "to describe it"));
            }
            return out;
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<long[]> kconfig = new ArrayList<>(); // index in out, alignment, size
        for (String sec : List.of(KCONFIG, KSYMS)) {
            int ds = btf.find(BtfKind.DATASEC, sec);
            if (ds <= 0) {
                continue;
            }
            for (BtfType.SecInfo si : ((BtfType.Datasec) btf.type(ds)).vars()) {
                BtfType t = btf.type(si.type());
                ElfSymbol sym = undefined.get(t.name());
                seen.add(t.name());
                try {
                    if (sym == null) {
                        throw new ElfException("DATASEC '" + sec + "' (BTF type " + ds + ") names it, but it is no "
                                + "undefined symbol of the object");
                    }
                    boolean weak = sym.bind() == ElfSymbol.STB_WEAK;
                    if (t instanceof BtfType.Func f && sec.equals(KSYMS)) {
                        out.add(new Extern(f.name(), Kind.KFUNC, si.type(), 0, 0, weak));
                    } else if (t instanceof BtfType.Var v) {
                        if (sec.equals(KSYMS)) {
                            out.add(new Extern(v.name(), Kind.KSYM, v.type(), 0, 0, weak));
                            continue;
                        }
                        long size;
                        long align;
                        try {
                            size = btf.sizeOf(v.type());
                            align = alignOf(btf, v.type(), 0);
                        } catch (BtfException e) {
                            throw new ElfException("its .kconfig type has no size: " + e.getMessage());
                        }
                        if (size <= 0 || size > 4096) {
                            throw new ElfException("a .kconfig value of " + size + " bytes");
                        }
                        kconfig.add(new long[] {out.size(), align, size});
                        out.add(new Extern(v.name(), Kind.KCONFIG, v.type(), (int) size, 0, weak));
                    } else {
                        throw new ElfException("DATASEC '" + sec + "' (BTF type " + ds + ") holds it as a " + t.kind()
                                + " rather than a VAR" + (sec.equals(KSYMS) ? " or FUNC" : ""));
                    }
                } catch (ElfException e) {
                    problems.add(new ObjectProblem(ObjectProblem.Item.EXTERN, t.name(), e.getMessage()));
                }
            }
        }
        placeKconfig(out, kconfig);
        // kfuncs declared without a DATASEC entry (older clang) are FUNCs of extern linkage, as libbpf finds them
        for (ElfSymbol s : undefined.values()) {
            if (seen.contains(s.name())) {
                continue;
            }
            int id = btf.find(BtfKind.FUNC, s.name());
            if (id <= 0) {
                problems.add(new ObjectProblem(ObjectProblem.Item.EXTERN, s.name(), "it is in neither the .kconfig nor "
                        + "the .ksyms DATASEC of the object's BTF (compilers before clang 10 wrote no such DATASEC); "
                        + "declare it __kconfig or __ksym and rebuild"));
                continue;
            }
            out.add(new Extern(s.name(), Kind.KFUNC, id, 0, 0, s.bind() == ElfSymbol.STB_WEAK));
        }
        return out;
    }

    private static long alignOf(Btf btf, int id, int depth) {
        if (depth > 32) {
            throw new ElfException("a .kconfig extern's type nests too deep");
        }
        BtfType t = btf.type(btf.resolve(id));
        if (t instanceof BtfType.Array a) {
            return alignOf(btf, a.elemType(), depth + 1);
        }
        long size = btf.sizeOf(id);
        long align = 1;
        while (align < size && align < 8) {
            align <<= 1;
        }
        return align;
    }

    /**
     * Gives each .kconfig extern its offset in the .kconfig map as libbpf lays the map out: externs
     * sorted by alignment (largest first), then size (smallest first), then name, each at the next
     * offset its alignment allows. Programs then address the same bytes under both loaders.
     */
    private static void placeKconfig(List<Extern> out, List<long[]> kconfig) {
        kconfig.sort((a, b) -> a[1] != b[1] ? Long.compare(b[1], a[1]) : a[2] != b[2] ? Long.compare(a[2], b[2])
                : out.get((int) a[0]).name().compareTo(out.get((int) b[0]).name()));
        long offset = 0;
        for (long[] k : kconfig) {
            offset = (offset + k[1] - 1) / k[1] * k[1];
            Extern e = out.get((int) k[0]);
            out.set((int) k[0], new Extern(e.name(), e.kind(), e.btfTypeId(), e.size(), (int) offset, e.weak()));
            offset += k[2];
        }
    }

    /** The total size of the .kconfig map's value for these externs (0 when there are none). */
    static int kconfigSize(List<Extern> externs) {
        int end = 0;
        for (Extern e : externs) {
            if (e.kind == Kind.KCONFIG) {
                end = Math.max(end, e.offset + e.size);
            }
        }
        return end;
    }
}
