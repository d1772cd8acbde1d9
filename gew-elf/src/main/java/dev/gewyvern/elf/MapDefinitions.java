package dev.gewyvern.elf;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfException;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.btf.BtfType;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads an object's map definitions: BTF-defined ({@code .maps}) and legacy ({@code maps}). */
final class MapDefinitions {
    static final String BTF_MAPS = ".maps";
    static final String LEGACY_MAPS = "maps";
    private static final int LEGACY_DEF_SIZE = 20;

    /**
     * Maps by name; for each map section the map name at each symbol offset (maps with a problem
     * included, so a program's reference still names the map); and the problem of each map that cannot
     * be made, by name.
     */
    record Result(Map<String, BpfMap> maps, Map<Integer, Map<Long, String>> bySectionOffset,
                  Map<String, String> broken) {}

    private MapDefinitions() {
    }

    /** Reads every map; a map that cannot be read is a problem of that map only, added to {@code problems}. */
    static Result parse(ElfFile elf, Btf btf, List<ObjectProblem> problems) {
        Map<String, BpfMap> maps = new LinkedHashMap<>();
        Map<Integer, Map<Long, String>> offsets = new HashMap<>();
        Map<String, String> broken = new LinkedHashMap<>();
        Optional<ElfSection> btfMaps = elf.section(BTF_MAPS);
        if (btfMaps.isPresent()) {
            btfMaps(elf, btf, btfMaps.get(), maps, offsets, broken);
        }
        Optional<ElfSection> legacy = elf.section(LEGACY_MAPS);
        if (legacy.isPresent()) {
            legacyMaps(elf, legacy.get(), maps, offsets, broken);
        }
        broken.forEach((name, text) -> problems.add(new ObjectProblem(ObjectProblem.Item.MAP, name, text)));
        return new Result(maps, offsets, broken);
    }

    private static void add(Map<String, BpfMap> maps, Map<Integer, Map<Long, String>> offsets, ElfSection sec,
                            long offset, BpfMap map) {
        if (maps.containsKey(map.name())) {
            throw new ElfException("map '" + map.name() + "' is defined twice (again in " + sec.describe() + ")");
        }
        maps.put(map.name(), map);
        offsets.computeIfAbsent(sec.index(), k -> new HashMap<>()).put(offset, map.name());
    }

    /** A map that cannot be made: its problem, and its offset so that references to it still name it. */
    private static void broken(Map<Integer, Map<Long, String>> offsets, Map<String, String> broken, ElfSection sec,
                               ElfSymbol sym, String name, String problem) {
        broken.putIfAbsent(name, problem);
        if (sym != null) {
            offsets.computeIfAbsent(sec.index(), k -> new HashMap<>()).putIfAbsent(sym.value(), name);
        }
    }

    private static ElfSymbol symbol(ElfFile elf, ElfSection sec, String name) {
        for (ElfSymbol s : elf.symbols()) {
            if (s.sectionIndex() == sec.index() && !s.isSection() && s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** The named symbols of a map section, by offset. */
    private static List<ElfSymbol> symbols(ElfFile elf, ElfSection sec) {
        List<ElfSymbol> syms = new ArrayList<>();
        for (ElfSymbol s : elf.symbols()) {
            if (s.sectionIndex() == sec.index() && !s.isSection() && s.type() != ElfSymbol.STT_FILE
                    && !s.name().isEmpty()) {
                syms.add(s);
            }
        }
        syms.sort(Comparator.comparingLong(ElfSymbol::value));
        return syms;
    }

    private static void btfMaps(ElfFile elf, Btf btf, ElfSection sec, Map<String, BpfMap> maps,
                                Map<Integer, Map<Long, String>> offsets, Map<String, String> broken) {
        int dsId = btf == null ? -1 : btf.find(BtfKind.DATASEC, BTF_MAPS);
        if (dsId < 0) {
            String why = btf == null ? "it is defined in " + sec.describe() + " (a BTF-defined map), but the object "
                    + "has no usable .BTF section to read its definition from"
                    : "it is in " + sec.describe() + ", but the object's BTF has no DATASEC '.maps' to define it";
            for (ElfSymbol s : symbols(elf, sec)) {
                broken(offsets, broken, sec, s, s.name(), why);
            }
            return;
        }
        BtfType.Datasec ds = (BtfType.Datasec) btf.type(dsId);
        Map<String, Def> defs = new HashMap<>();
        Map<String, ElfSymbol> symbols = new LinkedHashMap<>();
        for (BtfType.SecInfo vi : ds.vars()) {
            BtfType vt = btf.type(vi.type());
            if (!(vt instanceof BtfType.Var)) {
                broken.putIfAbsent("<BTF type " + vi.type() + ">", "DATASEC '.maps' (BTF type " + dsId + ") holds type "
                        + vi.type() + ", a " + vt.kind() + " rather than a VAR");
                continue;
            }
            BtfType.Var var = (BtfType.Var) vt;
            String name = var.name();
            ElfSymbol sym = symbol(elf, sec, name);
            try {
                if (sym == null) {
                    throw new ElfException("it is in DATASEC '.maps' but has no symbol in " + sec.describe());
                }
                if (sym.value() < 0 || sym.value() >= sec.size()) {
                    throw new ElfException("its symbol value " + Long.toUnsignedString(sym.value())
                            + " is outside " + sec.describe() + " (" + sec.size() + " bytes)");
                }
                Def def = btfDef(btf, name, var.type(), 0);
                add(maps, offsets, sec, sym.value(), def.map());
                defs.put(name, def);
                symbols.put(name, sym);
            } catch (ElfException | BtfException e) {
                broken(offsets, broken, sec, sym, name, strip(name, e.getMessage()));
            }
        }
        initialValues(elf, sec, maps, offsets, defs, symbols, broken);
    }

    /** A message without its "map 'x' in .maps: " lead, which the problem's own item says. */
    private static String strip(String name, String message) {
        String lead = "map '" + name + "' in .maps: ";
        return message != null && message.startsWith(lead) ? message.substring(lead.length()) : message;
    }

    /** {@code .rel.maps}: each R_BPF_64_ABS64 in a map's {@code values} array names a map or a program for a slot. */
    private static void initialValues(ElfFile elf, ElfSection sec, Map<String, BpfMap> maps,
                                      Map<Integer, Map<Long, String>> offsets, Map<String, Def> defs,
                                      Map<String, ElfSymbol> symbols, Map<String, String> broken) {
        Map<String, List<BpfMap.Slot>> slots = new LinkedHashMap<>();
        for (ElfRelocation r : elf.relocations(sec)) {
            try {
                slot(elf, sec, r, offsets, defs, symbols, slots);
            } catch (ElfException e) {
                // the relocation names its map when it lies inside one: that map cannot be made as written
                String owner = owner(r, symbols);
                if (owner == null) {
                    throw e;
                }
                broken.putIfAbsent(owner, e.getMessage());
                maps.remove(owner);
                slots.remove(owner);
            }
        }
        slots.forEach((owner, list) -> {
            for (BpfMap.Slot slot : list) {
                if (slot.kind() == BpfMap.Slot.Kind.MAP && broken.containsKey(slot.target())) {
                    broken.putIfAbsent(owner, "slot " + slot.index() + " names map '" + slot.target()
                            + "', which cannot be made: " + broken.get(slot.target()));
                    maps.remove(owner);
                }
            }
            BpfMap m = maps.get(owner);
            if (m != null) {
                maps.put(owner, new BpfMap(m.name(), m.type(), m.keySize(), m.valueSize(), m.maxEntries(), m.flags(),
                        m.btfKeyTypeId(), m.btfValueTypeId(), m.numaNode(), m.mapExtra(), m.pinning(), m.inner(), list));
            }
        });
    }

    /** The map whose definition holds the relocation's offset, or null. */
    private static String owner(ElfRelocation r, Map<String, ElfSymbol> symbols) {
        String owner = null;
        for (Map.Entry<String, ElfSymbol> e : symbols.entrySet()) {
            ElfSymbol s = e.getValue();
            if (r.offset() >= s.value() && r.offset() - s.value() < s.size()) {
                owner = e.getKey();
            }
        }
        return owner;
    }

    private static void slot(ElfFile elf, ElfSection sec, ElfRelocation r, Map<Integer, Map<Long, String>> offsets,
                             Map<String, Def> defs, Map<String, ElfSymbol> symbols,
                             Map<String, List<BpfMap.Slot>> slots) {
        ElfSymbol target = elf.symbol(r.symbol(), sec.describe() + " relocation");
        String where = ElfRelocation.typeName(r.type()) + " at offset " + r.offset() + " of " + sec.describe()
                + " against '" + target.name() + "'";
        if (r.type() != ElfRelocation.R_BPF_64_ABS64) {
            throw new ElfException(where + ": only R_BPF_64_ABS64 (values = { &x }) is expected here");
        }
        String owner = owner(r, symbols);
        Def def = owner == null ? null : defs.get(owner);
        if (def == null || def.valuesKind() == null) {
            throw new ElfException(where + ": it is not inside the 'values' of a map of maps or program array");
        }
        long rel = r.offset() - symbols.get(owner).value() - def.valuesOffset();
        long index = rel / 8;
        if (rel < 0 || rel % 8 != 0 || index >= Integer.toUnsignedLong(def.map().maxEntries())) {
            throw new ElfException(where + ": not a slot of map '" + owner + "' (max_entries "
                    + Integer.toUnsignedString(def.map().maxEntries()) + ")");
        }
        String name;
        if (def.valuesKind() == BpfMap.Slot.Kind.MAP) {
            Map<Long, String> here = offsets.get(sec.index());
            name = target.sectionIndex() == sec.index() && here != null ? here.get(target.value()) : null;
            if (name == null) {
                throw new ElfException(where + ": map of maps '" + owner + "' slot " + index
                        + " must name a map of this object's .maps");
            }
        } else {
            if (!target.isFunction() || !target.inSection()) {
                throw new ElfException(where + ": program array '" + owner + "' slot " + index
                        + " must name a program (a function) of this object");
            }
            name = target.name();
        }
        slots.computeIfAbsent(owner, k -> new ArrayList<>()).add(new BpfMap.Slot((int) index, name,
                def.valuesKind()));
    }



    /** The element of {@code __array(values, T)}: {@code T *values[]}, T a map definition or a function prototype. */
    private static int valuesElement(Btf btf, String map, BtfType.Member m) {
        BtfType a = btf.type(btf.resolve(m.type()));
        if (a instanceof BtfType.Array arr) {
            BtfType p = btf.type(btf.resolve(arr.elemType()));
            if (p instanceof BtfType.Ptr ptr) {
                int id = btf.resolve(ptr.type());
                BtfType t = btf.type(id);
                if (t instanceof BtfType.Struct st && !st.union() || t instanceof BtfType.FuncProto) {
                    return id;
                }
            }
        }
        throw new ElfException("map '" + map + "' in .maps: attribute 'values' (BTF type " + m.type() + ") is not "
                + "__array(values, T), i.e. T *values[] with T a map definition (map of maps) or a function "
                + "prototype (program array)");
    }

    /** A map's definition with where its {@code values} array sits (-1: none) and what it holds. */
    private record Def(BpfMap map, long valuesOffset, BpfMap.Slot.Kind valuesKind) {}

    private static Def btfDef(Btf btf, String name, int typeId, int depth) {
        if (depth > 2) {
            throw new ElfException("map '" + name + "' in .maps: maps of maps nest deeper than the kernel allows");
        }
        int sid = btf.resolve(typeId);
        BtfType st = btf.type(sid);
        if (!(st instanceof BtfType.Struct) || ((BtfType.Struct) st).union()) {
            throw new ElfException("map '" + name + "' in .maps: its definition (BTF type " + sid + ") is a " + st.kind()
                    + ", not a struct");
        }
        Map<String, Long> ints = new HashMap<>();
        int keyType = 0;
        int valueType = 0;
        long keyTypeSize = -1;
        long valueTypeSize = -1;
        List<String> seen = new ArrayList<>();
        long valuesOffset = -1;
        BpfMap.Slot.Kind valuesKind = null;
        BpfMap inner = null;
        for (BtfType.Member m : ((BtfType.Struct) st).members()) {
            String attr = m.name();
            if (seen.contains(attr)) {
                throw new ElfException("map '" + name + "' in .maps: attribute '" + attr + "' is given twice");
            }
            seen.add(attr);
            switch (attr) {
                case "type":
                case "max_entries":
                case "map_flags":
                case "key_size":
                case "value_size":
                case "numa_node":
                case "map_extra":
                case "pinning":
                    ints.put(attr, intAttr(btf, name, m));
                    break;
                case "key":
                    keyType = pointee(btf, name, m);
                    keyTypeSize = size(btf, name, attr, keyType);
                    break;
                case "value":
                    valueType = pointee(btf, name, m);
                    valueTypeSize = size(btf, name, attr, valueType);
                    break;
                case "values":
                    if (m.bitOffset() % 64 != 0) {
                        throw new ElfException("map '" + name + "' in .maps: attribute 'values' is not 8-byte aligned");
                    }
                    valuesOffset = m.bitOffset() / 8;
                    int elem = valuesElement(btf, name, m);
                    if (btf.type(elem) instanceof BtfType.Struct) {
                        inner = btfDef(btf, name + ".inner", elem, depth + 1).map();
                        valuesKind = BpfMap.Slot.Kind.MAP;
                    } else {
                        valuesKind = BpfMap.Slot.Kind.PROGRAM;
                    }
                    break;
                default:
                    throw new ElfException("map '" + name + "' in .maps: unknown attribute '" + attr + "'");
            }
        }
        long keySize = sizeAttr(name, "key", ints.get("key_size"), keyTypeSize);
        long valueSize = sizeAttr(name, "value", ints.get("value_size"), valueTypeSize);
        if (valuesKind != null) {
            if (valueSize != 0 && valueSize != 4) {
                throw new ElfException("map '" + name + "' in .maps: its values are map or program fds, 4 bytes, not "
                        + valueSize);
            }
            valueSize = 4;
            keySize = keySize == 0 ? 4 : keySize;
        }
        return new Def(new BpfMap(name, u32(ints, "type"), (int) keySize, (int) valueSize, u32(ints, "max_entries"),
                u32(ints, "map_flags"), keyType, valueType, u32(ints, "numa_node"),
                ints.getOrDefault("map_extra", 0L), u32(ints, "pinning"), inner, List.of()), valuesOffset, valuesKind);
    }

    private static int u32(Map<String, Long> ints, String attr) {
        return (int) (long) ints.getOrDefault(attr, 0L);
    }

    private static long sizeAttr(String map, String what, Long given, long fromType) {
        if (fromType < 0) {
            return given == null ? 0 : given;
        }
        if (given != null && given != fromType) {
            throw new ElfException("map '" + map + "' in .maps: " + what + "_size " + given + " conflicts with the "
                    + fromType + "-byte " + what + " type");
        }
        return fromType;
    }

    /** {@code int (*name)[N]}: a pointer to an array whose element count is the value. */
    private static long intAttr(Btf btf, String map, BtfType.Member m) {
        BtfType p = btf.type(btf.resolve(m.type()));
        if (p instanceof BtfType.Ptr) {
            BtfType a = btf.type(btf.resolve(((BtfType.Ptr) p).type()));
            if (a instanceof BtfType.Array) {
                return Integer.toUnsignedLong(((BtfType.Array) a).nelems());
            }
        }
        throw new ElfException("map '" + map + "' in .maps: attribute '" + m.name() + "' (BTF type " + m.type()
                + ") is not __uint(" + m.name() + ", N), i.e. int (*" + m.name() + ")[N]");
    }

    /** {@code T *name}: the type id of T. */
    private static int pointee(Btf btf, String map, BtfType.Member m) {
        BtfType p = btf.type(btf.resolve(m.type()));
        if (p instanceof BtfType.Ptr) {
            return ((BtfType.Ptr) p).type();
        }
        throw new ElfException("map '" + map + "' in .maps: attribute '" + m.name() + "' (BTF type " + m.type()
                + ") is not __type(" + m.name() + ", T), i.e. T *" + m.name());
    }

    private static long size(Btf btf, String map, String attr, int typeId) {
        long size;
        try {
            size = btf.sizeOf(typeId);
        } catch (BtfException e) {
            throw new ElfException("map '" + map + "' in .maps: the " + attr + " type (BTF type " + typeId
                    + ") has no size: " + e.getMessage());
        }
        if (size <= 0 || size > 0xffff_ffffL) {
            throw new ElfException("map '" + map + "' in .maps: the " + attr + " type (BTF type " + typeId + ") is "
                    + size + " bytes");
        }
        return size;
    }

    /** iproute2's {@code struct bpf_elf_map}: bpf_map_def's five fields, then id, pinning, inner_id, inner_idx. */
    static final int IPROUTE2_DEF_SIZE = 36;
    /** The shortest legacy definition read: type, key, value, max_entries (map_flags then defaults to 0). */
    private static final int LEGACY_MIN_SIZE = 16;

    /**
     * The legacy {@code maps} section, as libbpf before 1.0 and cilium/ebpf read it: each symbol's bytes
     * hold {@code struct bpf_map_def} (type, key_size, value_size, max_entries, map_flags). A symbol without
     * a size (clang 7 and older wrote none) takes the section's size divided by its number of maps, as
     * libbpf did. Bytes past the five fields are allowed, as both allow them (cilium/ebpf keeps them for
     * its caller); in iproute2's 36-byte {@code struct bpf_elf_map} they mean id, pinning, inner_id and
     * inner_idx: pinning asks for a pin (which the loader says it does not share), and a map-in-map link
     * (inner_id, inner_idx) is a problem of that map, since the object does not say the inner map's layout
     * in a form gewyvern builds.
     */
    private static void legacyMaps(ElfFile elf, ElfSection sec, Map<String, BpfMap> maps,
                                   Map<Integer, Map<Long, String>> offsets, Map<String, String> broken) {
        List<ElfSymbol> syms = symbols(elf, sec);
        if (sec.nobits()) {
            for (ElfSymbol s : syms) {
                broken(offsets, broken, sec, s, s.name(), sec.describe() + " (legacy map definitions) has no data "
                        + "(SHT_NOBITS)");
            }
            return;
        }
        byte[] data = elf.data(sec);
        ByteBuffer b = ByteBuffer.wrap(data).order(elf.order());
        boolean even = !syms.isEmpty() && data.length % syms.size() == 0;
        long shared = syms.isEmpty() ? 0 : data.length / syms.size();
        for (ElfSymbol s : syms) {
            String name = s.name();
            long off = s.value();
            long size = s.size();
            try {
                if (size == 0) {
                    if (!even) {
                        throw new ElfException("its symbol has no size, and the " + data.length + " bytes of "
                                + sec.describe() + " do not divide evenly among its " + syms.size() + " maps");
                    }
                    size = shared;
                }
                if (off < 0 || off > data.length || size > data.length - off) {
                    throw new ElfException("its symbol [offset " + Long.toUnsignedString(off) + ", size "
                            + Long.toUnsignedString(size) + "] is outside " + sec.describe() + " (" + data.length
                            + " bytes)");
                }
                if (size < LEGACY_MIN_SIZE) {
                    throw new ElfException("its definition is " + size + " bytes; struct bpf_map_def takes at least "
                            + LEGACY_MIN_SIZE + " (type, key_size, value_size, max_entries)");
                }
                int[] f = new int[9];
                for (int k = 0; k < f.length && 4L * k + 4 <= size; k++) {
                    f[k] = b.getInt((int) off + 4 * k);
                }
                int pinning = BpfMap.PIN_NONE;
                if (size == IPROUTE2_DEF_SIZE) {
                    if (f[7] != 0 || f[8] != 0) {
                        throw new ElfException("an iproute2 map-in-map definition (struct bpf_elf_map id " + f[5]
                                + ", inner_id " + f[7] + ", inner_idx " + f[8] + "): gewyvern does not build "
                                + "iproute2's map-in-map links; define the map in .maps with __array(values, ...)");
                    }
                    pinning = f[6] == 0 ? BpfMap.PIN_NONE : BpfMap.PIN_BY_NAME;
                }
                add(maps, offsets, sec, off, new BpfMap(name, f[0], f[1], f[2], f[3], size >= LEGACY_DEF_SIZE ? f[4] : 0,
                        0, 0, 0, 0, pinning));
            } catch (ElfException e) {
                broken(offsets, broken, sec, s, name, "legacy map definition: " + e.getMessage());
            }
        }
    }
}
