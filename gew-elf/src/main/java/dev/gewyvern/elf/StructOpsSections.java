package dev.gewyvern.elf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.btf.BtfType;

/**
 * Reads {@code .struct_ops} and {@code .struct_ops.link}: each variable becomes a {@link StructOpsMap},
 * its members from the object's BTF and its program pointers from the section's R_BPF_64_ABS64
 * relocations, as libbpf's {@code bpf_object__init_struct_ops} reads them.
 */
final class StructOpsSections {
    private StructOpsSections() {
    }

    static List<StructOpsMap> read(ElfFile elf, Btf btf) {
        List<StructOpsMap> out = new ArrayList<>();
        for (String name : List.of(StructOpsMap.SECTION, StructOpsMap.LINK_SECTION)) {
            Optional<ElfSection> sec = elf.section(name);
            if (sec.isPresent()) {
                out.addAll(section(elf, btf, sec.get()));
            }
        }
        return out;
    }

    private static List<StructOpsMap> section(ElfFile elf, Btf btf, ElfSection sec) {
        if (btf == null) {
            throw new ElfException(sec.describe() + " declares struct_ops maps, but the object has no .BTF section");
        }
        int dsId = btf.find(BtfKind.DATASEC, sec.name());
        if (dsId < 0) {
            throw new ElfException(sec.describe() + " declares struct_ops maps, but the object's BTF has no DATASEC '"
                    + sec.name() + "'");
        }
        byte[] bytes = elf.data(sec);
        Map<String, long[]> spans = new LinkedHashMap<>();
        List<StructOpsMap> maps = new ArrayList<>();
        List<Pending> pending = new ArrayList<>();
        for (BtfType.SecInfo vi : ((BtfType.Datasec) btf.type(dsId)).vars()) {
            if (!(btf.type(vi.type()) instanceof BtfType.Var var)) {
                throw new ElfException("DATASEC '" + sec.name() + "' holds BTF type " + vi.type() + ", not a VAR");
            }
            ElfSymbol sym = symbol(elf, sec, var.name());
            int typeId = btf.resolve(var.type());
            if (!(btf.type(typeId) instanceof BtfType.Struct st) || st.union()) {
                throw new ElfException("struct_ops variable '" + var.name() + "' in " + sec.describe()
                        + " is not a struct (BTF type " + typeId + ")");
            }
            if (sym.value() < 0 || sym.value() > bytes.length || sym.value() + st.size() > bytes.length) {
                throw new ElfException("struct_ops variable '" + var.name() + "' (" + st.size() + " bytes at "
                        + sym.value() + ") is outside " + sec.describe() + " (" + bytes.length + " bytes)");
            }
            spans.put(var.name(), new long[] {sym.value(), st.size()});
            pending.add(new Pending(var.name(), st, typeId, sym.value()));
        }
        Map<String, Map<Integer, String>> programs = new LinkedHashMap<>();
        for (ElfRelocation r : elf.relocations(sec)) {
            ElfSymbol target = elf.symbol(r.symbol(), sec.describe() + " relocation");
            String where = ElfRelocation.typeName(r.type()) + " at offset " + r.offset() + " of " + sec.describe();
            if (r.type() != ElfRelocation.R_BPF_64_ABS64) {
                throw new ElfException(where + ": only R_BPF_64_ABS64 (a function pointer) is expected here");
            }
            if (!target.isFunction() || target.undefined()) {
                throw new ElfException(where + " points to '" + target.name() + "', which is not a program of the "
                        + "object (a struct_ops member must point to a SEC(\"struct_ops/...\") function)");
            }
            String owner = null;
            for (Map.Entry<String, long[]> e : spans.entrySet()) {
                if (r.offset() >= e.getValue()[0] && r.offset() < e.getValue()[0] + e.getValue()[1]) {
                    owner = e.getKey();
                }
            }
            if (owner == null) {
                throw new ElfException(where + " is not inside any struct_ops variable");
            }
            programs.computeIfAbsent(owner, k -> new LinkedHashMap<>())
                    .put((int) (r.offset() - spans.get(owner)[0]), target.name());
        }
        for (Pending p : pending) {
            Map<Integer, String> progs = new LinkedHashMap<>(programs.getOrDefault(p.name, Map.of()));
            List<StructOpsMap.Member> members = new ArrayList<>();
            for (BtfType.Member m : p.type.members()) {
                if (m.bitfieldSize() != 0 || m.bitOffset() % 8 != 0) {
                    throw new ElfException("struct_ops variable '" + p.name + "': member '" + m.name()
                            + "' is a bitfield, which a loader cannot match against the kernel's struct");
                }
                int off = m.bitOffset() / 8;
                long size = btf.sizeOf(m.type());
                if (off < 0 || size < 0 || off + size > p.type.size()) {
                    throw new ElfException("struct_ops variable '" + p.name + "': member '" + m.name() + "' ("
                            + size + " bytes at " + off + ") is outside its struct (" + p.type.size() + " bytes)");
                }
                boolean fp = btf.type(btf.resolve(m.type())) instanceof BtfType.Ptr ptr
                        && btf.type(btf.resolve(ptr.type())) instanceof BtfType.FuncProto;
                String prog = progs.remove(off);
                if (prog != null && !fp) {
                    throw new ElfException("struct_ops variable '" + p.name + "': member '" + m.name()
                            + "' points to program '" + prog + "' but is not a function pointer");
                }
                members.add(new StructOpsMap.Member(m.name(), off, (int) size, fp,
                        Optional.ofNullable(prog)));
            }
            if (!progs.isEmpty()) {
                throw new ElfException("struct_ops variable '" + p.name + "': relocations at offsets " + progs.keySet()
                        + " fall on no member");
            }
            byte[] data = Arrays.copyOfRange(bytes, (int) p.offset, (int) p.offset + p.type.size());
            maps.add(new StructOpsMap(p.name, sec.name(), p.type.name(), p.typeId, data, members));
        }
        return maps;
    }

    private record Pending(String name, BtfType.Struct type, int typeId, long offset) {}

    private static ElfSymbol symbol(ElfFile elf, ElfSection sec, String name) {
        for (ElfSymbol s : elf.symbols()) {
            if (s.sectionIndex() == sec.index() && !s.isSection() && s.name().equals(name)) {
                return s;
            }
        }
        throw new ElfException("struct_ops variable '" + name + "' has no symbol in " + sec.describe());
    }
}
