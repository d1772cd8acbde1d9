package dev.gewyvern.elf;

import dev.gewyvern.btf.BtfExt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds the functions of every executable section and links programs as libbpf does: every
 * subprogram a program calls (transitively, depth first, in call order) is appended once to the end
 * of its instructions and each bpf-to-bpf call's imm becomes the relative offset of its callee;
 * ld_imm64 relocations against maps and global data become {@link MapReference}s.
 */
final class ProgramLinker {
    private final ElfFile elf;
    private final MapDefinitions.Result maps;
    private final BtfExt ext;
    private final Map<String, Extern> externs = new HashMap<>();
    private final Map<Integer, List<Insn>> code = new HashMap<>();
    private final Map<Integer, TreeMap<Integer, Function>> functions = new HashMap<>();
    private final Map<Integer, Map<Integer, ElfRelocation>> relocs = new HashMap<>();

    /** One linked program: final instructions, map references and where each function was placed. */
    record Linked(List<Insn> insns, List<MapReference> references, List<FuncInfo> funcInfo, List<LineInfo> lineInfo,
                  List<String> subprograms, List<ExternReference> externs, List<CoreRelocation> coreRelocations) {}

    /** Programs that cannot be linked because of their section or symbol, by name: why. */
    private final Map<String, BrokenProgram> broken = new LinkedHashMap<>();
    /** Problems of the code that no one program owns (a section with code but no program). */
    private final List<String> problems = new ArrayList<>();
    /** Per executable section, the relocations that cannot be applied, by instruction: why. */
    private final Map<Integer, Map<Integer, String>> badRelocs = new HashMap<>();
    /** Externs that cannot be resolved, by name: why. */
    private final Map<String, String> brokenExterns;

    /** A program (global function) that cannot be linked: its section and why. */
    record BrokenProgram(String name, ElfSection section, String problem) {}

    ProgramLinker(ElfFile elf, MapDefinitions.Result maps, BtfExt ext, List<Extern> externs,
                  Map<String, String> brokenExterns) {
        this.elf = elf;
        this.maps = maps;
        this.ext = ext;
        this.brokenExterns = brokenExterns;
        externs.forEach(e -> this.externs.put(e.name(), e));
        Map<Integer, String> brokenSections = new HashMap<>();
        for (ElfSection s : elf.sections()) {
            if (s.index() == 0 || !s.executable() || s.size() == 0) {
                continue;
            }
            try {
                if (s.type() != ElfSection.SHT_PROGBITS) {
                    throw new ElfException(s.describe() + " is executable but of type " + s.type() + ", not SHT_PROGBITS");
                }
                List<Insn> insns;
                try {
                    insns = Insn.decodeAll(elf.data(s), elf.order());
                } catch (ElfException e) {
                    throw new ElfException(s.describe() + ": " + e.getMessage());
                }
                Map<Integer, String> bad = new HashMap<>();
                relocs.put(s.index(), relocations(s, insns, bad));
                code.put(s.index(), insns);
                functions.put(s.index(), new TreeMap<>());
                badRelocs.put(s.index(), bad);
            } catch (ElfException e) {
                relocs.remove(s.index());
                brokenSections.put(s.index(), e.getMessage());
            }
        }
        for (ElfSymbol sym : elf.symbols()) {
            if (!sym.isFunction() || !sym.inSection()) {
                continue;
            }
            ElfSection s = elf.section(sym.sectionIndex());
            try {
                if (brokenSections.containsKey(s.index())) {
                    throw new ElfException(brokenSections.get(s.index()));
                }
                TreeMap<Integer, Function> fs = functions.get(s.index());
                if (fs == null) {
                    throw new ElfException("function '" + sym.name() + "' is in " + s.describe()
                            + ", which is not an executable section with code");
                }
                long value = sym.value();
                long size = sym.size();
                if (value < 0 || size <= 0 || value % Insn.SIZE != 0 || size % Insn.SIZE != 0 || value > s.size()
                        || size > s.size() - value) {
                    throw new ElfException("function '" + sym.name() + "' [offset " + Long.toUnsignedString(value)
                            + ", size " + Long.toUnsignedString(size) + "] is not whole instructions inside "
                            + s.describe() + " (" + s.size() + " bytes)");
                }
                Function f = new Function(s, sym.name(), (int) (value / Insn.SIZE), (int) (size / Insn.SIZE),
                        sym.isGlobal());
                Function before = fs.putIfAbsent(f.start(), f);
                if (before != null) {
                    throw new ElfException("functions '" + before.name() + "' and '" + f.name() + "' both start at "
                            + "offset " + value + " of " + s.describe());
                }
            } catch (ElfException e) {
                if (sym.isGlobal() && !s.name().equals(".text")) {
                    broken.putIfAbsent(sym.name(), new BrokenProgram(sym.name(), s, e.getMessage()));
                } else {
                    problems.add(e.getMessage());
                }
            }
        }
    }

    /** Global functions of program sections that cannot be linked, in symbol order. */
    List<BrokenProgram> brokenPrograms() {
        return List.copyOf(broken.values());
    }

    /** Problems of the object's code that no program owns. */
    List<String> problems() {
        return List.copyOf(problems);
    }

    /**
     * The code relocations of {@code s} by instruction; one that cannot be applied goes into {@code bad}
     * (the programs whose code holds it cannot be linked). A relocation outside the section's instructions
     * is a problem of the whole section.
     */
    private Map<Integer, ElfRelocation> relocations(ElfSection s, List<Insn> insns, Map<Integer, String> bad) {
        Map<Integer, ElfRelocation> out = new HashMap<>();
        for (ElfRelocation r : elf.relocations(s)) {
            ElfSymbol sym = elf.symbol(r.symbol(), s.describe() + " relocation");
            String where = ElfRelocation.typeName(r.type()) + " at offset 0x" + Long.toHexString(r.offset()) + " of "
                    + s.describe() + " against '" + symbolName(sym) + "'";
            if (r.offset() < 0 || r.offset() % Insn.SIZE != 0 || r.offset() >= s.size()) {
                throw new ElfException(where + ": the offset is not an instruction of the section");
            }
            int idx = (int) (r.offset() / Insn.SIZE);
            Insn insn = insns.get(idx);
            String why = null;
            if (r.type() == ElfRelocation.R_BPF_64_64) {
                if (!insn.isLdImm64() || idx + 1 >= insns.size()) {
                    why = "the instruction is not a 16-byte ld_imm64 but " + insn;
                }
            } else if (r.type() == ElfRelocation.R_BPF_64_32) {
                if (!insn.isCall()) {
                    why = "the instruction is not a call but " + insn;
                } else if (insn.src() != Insn.PSEUDO_CALL) {
                    why = "calls to kernel functions (kfuncs) and externs are not supported yet";
                }
            } else {
                why = "this relocation type is not supported in code";
            }
            if (out.containsKey(idx) || bad.containsKey(idx)) {
                why = "a second relocation for the same instruction";
            }
            if (why != null) {
                bad.put(idx, where + ": " + why);
                out.remove(idx);
            } else {
                out.put(idx, r);
            }
        }
        return out;
    }

    private String symbolName(ElfSymbol sym) {
        if (sym.isSection() && sym.inSection() && sym.sectionIndex() < elf.sections().size()) {
            return elf.sections().get(sym.sectionIndex()).name();
        }
        return sym.name();
    }

    /** The programs: every global function of every executable section except .text, in file order. */
    List<Function> programs() {
        List<Function> out = new ArrayList<>();
        for (ElfSection s : elf.sections()) {
            TreeMap<Integer, Function> fs = functions.get(s.index());
            if (fs == null || s.name().equals(".text")) {
                continue;
            }
            boolean any = false;
            for (Function f : fs.values()) {
                if (f.global()) {
                    out.add(f);
                    any = true;
                }
            }
            if (!any && broken.values().stream().noneMatch(b -> b.section().index() == s.index())) {
                problems.add(s.describe() + " holds code but no global function symbol: no program to name");
            }
        }
        return out;
    }

    private static final class Frame {
        final Function function;
        final int position;
        int next;

        Frame(Function function, int position) {
            this.function = function;
            this.position = position;
        }
    }

    Linked link(Function main) {
        List<Insn> out = new ArrayList<>();
        List<MapReference> refs = new ArrayList<>();
        List<ExternReference> externRefs = new ArrayList<>();
        Map<Function, Integer> placed = new LinkedHashMap<>();
        Deque<Frame> stack = new ArrayDeque<>();
        stack.push(place(main, out, placed));
        while (!stack.isEmpty()) {
            Frame frame = stack.peek();
            Function f = frame.function;
            if (frame.next >= f.count()) {
                stack.pop();
                continue;
            }
            int j = frame.next++;
            int i = frame.position + j;
            int secIdx = f.start() + j;
            Insn insn = out.get(i);
            ElfRelocation rel = relocs.get(f.section().index()).get(secIdx);
            String bad = badRelocs.get(f.section().index()).get(secIdx);
            if (bad != null) {
                throw new ElfException("program '" + main.name() + "', instruction " + i + ": " + bad);
            }
            String where = "program '" + main.name() + "', instruction " + i + " (" + f.describe() + ", instruction "
                    + secIdx + ")";
            if (insn.isLdImm64()) {
                if (j + 1 >= f.count()) {
                    throw new ElfException(where + ": ld_imm64 has no second slot inside the function");
                }
                frame.next++;
                if (rel == null) {
                    continue;
                }
                ElfSymbol sym = elf.symbol(rel.symbol(), where);
                Extern extern = sym.undefined() ? externs.get(sym.name()) : null;
                if (extern != null && extern.kind() == Extern.Kind.KCONFIG) {
                    refs.add(new MapReference(i, Extern.KCONFIG, MapReference.Kind.DATA, extern.offset()));
                    continue;
                } else if (extern != null) {
                    externRefs.add(new ExternReference(i, extern.name(), extern.kind()));
                    continue;
                }
                if (!sym.inSection()) {
                    throw new ElfException(where + ": reference to '" + sym.name() + "', which is "
                            + (brokenExterns.containsKey(sym.name()) ? "an extern that cannot be resolved: "
                            + brokenExterns.get(sym.name()) : sym.undefined()
                            ? "an extern that neither .kconfig nor .ksyms declares" : "not in a section"));
                }
                ElfSection target = elf.section(sym.sectionIndex());
                Map<Long, String> mapsHere = maps.bySectionOffset().get(target.index());
                if (mapsHere != null) {
                    long at = sym.isSection() ? sym.value() + insn.imm() : sym.value();
                    String map = mapsHere.get(at);
                    if (map == null) {
                        throw new ElfException(where + ": reference to offset " + at + " of " + target.describe()
                                + ", where no map is defined");
                    }
                    refs.add(new MapReference(i, map, MapReference.Kind.MAP, 0));
                } else if (isDataSection(target.name())) {
                    long at = sym.value() + insn.imm();
                    if (at < 0 || at > target.size()) {
                        throw new ElfException(where + ": reference to offset " + at + " of " + target.describe()
                                + ", which has " + target.size() + " bytes");
                    }
                    refs.add(new MapReference(i, target.name(), MapReference.Kind.DATA, (int) at));
                } else if (functions.containsKey(target.index())) {
                    long at = sym.value() + insn.imm();
                    if (at < 0 || at % Insn.SIZE != 0) {
                        throw new ElfException(where + ": function address at byte " + at + " of " + target.describe()
                                + " is not an instruction");
                    }
                    Function callee = function(target, at / Insn.SIZE, where);
                    int pos = position(callee, out, placed, stack);
                    out.set(i, insn.withSrc(Insn.PSEUDO_FUNC).withImm(pos - i - 1));
                } else {
                    throw new ElfException(where + ": reference to '" + symbolName(sym) + "' in " + target.describe()
                            + ", which is neither a map, global data nor code");
                }
            } else if (insn.isCall() && insn.src() == Insn.PSEUDO_CALL) {
                ElfSection target;
                long at;
                if (rel != null) {
                    ElfSymbol sym = elf.symbol(rel.symbol(), where);
                    Extern extern = sym.undefined() ? externs.get(sym.name()) : null;
                    if (extern != null && extern.kind() == Extern.Kind.KFUNC) {
                        externRefs.add(new ExternReference(i, extern.name(), extern.kind()));
                        continue;
                    }
                    if (!sym.inSection()) {
                        throw new ElfException(where + ": call to '" + sym.name() + "', which is "
                                + (brokenExterns.containsKey(sym.name()) ? "an extern that cannot be resolved: "
                                + brokenExterns.get(sym.name()) : sym.undefined()
                                ? "an extern that is no __ksym function" : "not in a section"));
                    }
                    target = elf.section(sym.sectionIndex());
                    if (!functions.containsKey(target.index()) || sym.value() < 0 || sym.value() % Insn.SIZE != 0) {
                        throw new ElfException(where + ": call to '" + symbolName(sym) + "' at offset "
                                + Long.toUnsignedString(sym.value()) + " of " + target.describe() + ", which is not code");
                    }
                    at = sym.value() / Insn.SIZE + insn.imm() + 1;
                } else {
                    target = f.section();
                    at = (long) secIdx + insn.imm() + 1;
                }
                Function callee = function(target, at, where);
                int pos = position(callee, out, placed, stack);
                out.set(i, insn.withImm(pos - i - 1));
            }
        }
        List<String> subprograms = new ArrayList<>();
        for (Function f : placed.keySet()) {
            if (f != main) {
                subprograms.add(f.name());
            }
        }
        refs.sort(Comparator.comparingInt(MapReference::insnIndex));
        return new Linked(List.copyOf(out), List.copyOf(refs), funcInfo(placed), lineInfo(placed), List.copyOf(subprograms),
                List.copyOf(externRefs), coreRelocations(placed));
    }

    private Frame place(Function f, List<Insn> out, Map<Function, Integer> placed) {
        int pos = out.size();
        placed.put(f, pos);
        out.addAll(code.get(f.section().index()).subList(f.start(), f.start() + f.count()));
        return new Frame(f, pos);
    }

    /** Where {@code callee} sits in the program, appending it (to be processed next) when it is new. */
    private int position(Function callee, List<Insn> out, Map<Function, Integer> placed, Deque<Frame> stack) {
        Integer pos = placed.get(callee);
        if (pos != null) {
            return pos;
        }
        Frame frame = place(callee, out, placed);
        stack.push(frame);
        return frame.position;
    }

    private Function function(ElfSection s, long insnIndex, String where) {
        TreeMap<Integer, Function> fs = functions.get(s.index());
        Function f = fs == null || insnIndex < 0 || insnIndex > Integer.MAX_VALUE ? null : fs.get((int) insnIndex);
        if (f == null) {
            throw new ElfException(where + ": the callee at instruction " + insnIndex + " of " + s.describe()
                    + " is not the start of a function");
        }
        return f;
    }

    static boolean isDataSection(String name) {
        return name.equals(".data") || name.equals(".rodata") || name.equals(".bss")
                || name.startsWith(".data.") || name.startsWith(".rodata.") || name.startsWith(".bss.");
    }

    private List<FuncInfo> funcInfo(Map<Function, Integer> placed) {
        List<FuncInfo> out = new ArrayList<>();
        if (ext == null) {
            return out;
        }
        placed.forEach((f, pos) -> {
            for (BtfExt.FuncInfo r : ext.funcInfo(f.section().name())) {
                int idx = index(f, pos, r.insnOff(), "func_info");
                if (idx >= 0) {
                    out.add(new FuncInfo(idx, r.typeId()));
                }
            }
        });
        out.sort(Comparator.comparingInt(FuncInfo::insnIndex));
        return List.copyOf(out);
    }

    private List<CoreRelocation> coreRelocations(Map<Function, Integer> placed) {
        List<CoreRelocation> out = new ArrayList<>();
        if (ext == null) {
            return out;
        }
        placed.forEach((f, pos) -> {
            for (BtfExt.CoreRelo r : ext.coreRelos(f.section().name())) {
                int idx = index(f, pos, r.insnOff(), "core_relo");
                if (idx >= 0) {
                    out.add(new CoreRelocation(idx, r.typeId(), r.accessStrOff(), r.kind(), f.section().name(), r.insnOff()));
                }
            }
        });
        out.sort(Comparator.comparingInt(CoreRelocation::insnIndex));
        return List.copyOf(out);
    }

    private List<LineInfo> lineInfo(Map<Function, Integer> placed) {
        List<LineInfo> out = new ArrayList<>();
        if (ext == null) {
            return out;
        }
        placed.forEach((f, pos) -> {
            for (BtfExt.LineInfo r : ext.lineInfo(f.section().name())) {
                int idx = index(f, pos, r.insnOff(), "line_info");
                if (idx >= 0) {
                    out.add(new LineInfo(idx, r.fileNameOff(), r.lineOff(), r.lineCol()));
                }
            }
        });
        out.sort(Comparator.comparingInt(LineInfo::insnIndex));
        return List.copyOf(out);
    }

    /** The program instruction index of a .BTF.ext byte offset inside {@code f}, or -1 when outside it. */
    private static int index(Function f, int pos, int insnOff, String what) {
        long off = Integer.toUnsignedLong(insnOff);
        long startByte = (long) f.start() * Insn.SIZE;
        long endByte = (long) (f.start() + f.count()) * Insn.SIZE;
        if (off < startByte || off >= endByte) {
            return -1;
        }
        if (off % Insn.SIZE != 0) {
            throw new ElfException(".BTF.ext " + what + " for " + f.section().describe() + " at byte offset " + off
                    + " is not an instruction boundary");
        }
        return pos + (int) (off / Insn.SIZE - f.start());
    }
}
