package dev.gewyvern.elf;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One global data section of an object, which the loader turns into a one-element array map as
 * libbpf does: key {@code int}, value the whole section, {@code .rodata} maps read-only for programs
 * ({@code BPF_F_RDONLY_PROG}) and frozen after they are filled. {@code .bss} starts as zeros.
 */
public final class GlobalData {
    /** uapi {@code BPF_F_RDONLY_PROG}. */
    public static final int F_RDONLY_PROG = 1 << 7;
    /** uapi {@code BPF_F_MMAPABLE}. */
    public static final int F_MMAPABLE = 1 << 10;
    private static final int OBJ_NAME_LEN = 16;
    /** The largest section the reader turns into a map value (the kernel's own limit, KMALLOC_MAX_SIZE, is lower). */
    static final long MAX_SIZE = 64L << 20;

    /** Which of libbpf's three kinds the section is, by its name. */
    public enum Kind { DATA, RODATA, BSS }

    private final String section;
    private final Kind kind;
    private final byte[] initial;
    private final List<GlobalVariable> variables;
    private final int btfDatasecId;
    private final Btf btf;

    GlobalData(String section, Kind kind, byte[] initial, List<GlobalVariable> variables, int btfDatasecId, Btf btf) {
        this.section = section;
        this.kind = kind;
        this.initial = initial;
        this.variables = List.copyOf(variables);
        this.btfDatasecId = btfDatasecId;
        this.btf = btf;
    }

    /** The kind of a section libbpf makes a global data map of, or empty for any other name. */
    static Optional<Kind> kindOf(String name) {
        if (name.equals(".data") || name.startsWith(".data.")) {
            return Optional.of(Kind.DATA);
        }
        if (name.equals(".rodata") || name.startsWith(".rodata.")) {
            return Optional.of(Kind.RODATA);
        }
        if (name.equals(".bss") || name.startsWith(".bss.")) {
            return Optional.of(Kind.BSS);
        }
        return Optional.empty();
    }

    /** The ELF section name: {@code .rodata}, {@code .data.custom}. */
    public String section() {
        return section;
    }

    public Kind kind() {
        return kind;
    }

    /** The map's value size: the section's size. */
    public int size() {
        return initial.length;
    }

    public List<GlobalVariable> variables() {
        return variables;
    }

    public Optional<GlobalVariable> variable(String name) {
        return variables.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /** The section's DATASEC in the object's (and its kernel) BTF: the map's value type; 0 when none. */
    public int btfDatasecId() {
        return btfDatasecId;
    }

    /** BPF_MAP_CREATE's map_flags for the section's map, as libbpf sets them. */
    public int mapFlags() {
        return (kind == Kind.RODATA ? F_RDONLY_PROG : 0) | F_MMAPABLE;
    }

    /** Whether the map is frozen once filled (so the verifier may treat its contents as constants). */
    public boolean frozen() {
        return kind == Kind.RODATA;
    }

    /**
     * The kernel's name of the map, as libbpf's {@code internal_map_name} makes it: up to 8 characters
     * of the object's name before {@code .data}/{@code .rodata}/{@code .bss}, the section name alone
     * (cut to 15 characters) for {@code .data.custom} forms; characters the kernel refuses become '_'.
     */
    public String mapName(String objectName) {
        return internalMapName(objectName, section);
    }

    /** libbpf's name for the internal map of {@code section} (a global data section, or {@code .kconfig}). */
    public static String internalMapName(String objectName, String section) {
        int sfx = Math.min(Math.max(7, section.length()), OBJ_NAME_LEN - 1);
        int pfx = section.indexOf('.', 1) >= 0 ? 0 : Math.min(OBJ_NAME_LEN - sfx - 1, objectName.length());
        String name = objectName.substring(0, pfx) + section.substring(0, Math.min(sfx, section.length()));
        StringBuilder sb = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            sb.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '.') ? c : '_');
        }
        return sb.toString();
    }

    /** The section's bytes as the object holds them (zeros for .bss). */
    public byte[] initialValue() {
        return initial.clone();
    }

    /**
     * The section's bytes with {@code values} written over the named variables of this section (names
     * of other sections are ignored). Each value is checked against the variable's type and size.
     */
    public byte[] initialValue(Map<String, VariableValue> values, ByteOrder order) {
        byte[] out = initial.clone();
        for (GlobalVariable v : variables) {
            VariableValue value = values.get(v.name());
            if (value != null) {
                byte[] bytes = encode(v, value, order);
                System.arraycopy(bytes, 0, out, v.offset(), bytes.length);
            }
        }
        return out;
    }

    /** A variable's value in {@code image} (this section's bytes) as C text, or hex when there is no BTF. */
    public String render(GlobalVariable v, byte[] image, ByteOrder order) {
        byte[] bytes = java.util.Arrays.copyOfRange(image, v.offset(), v.offset() + v.size());
        if (btf != null && v.btfTypeId() != 0) {
            try {
                return dev.gewyvern.btf.BtfValues.format(btf, v.btfTypeId(), bytes, order);
            } catch (RuntimeException e) {
                // fall through to hex: the value is still shown
            }
        }
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /** The C type name of a variable, or {@code "<size> bytes"} without BTF. */
    public String typeName(GlobalVariable v) {
        if (btf != null && v.btfTypeId() != 0) {
            return dev.gewyvern.btf.BtfValues.typeName(btf, v.btfTypeId());
        }
        return v.size() + " bytes";
    }

    /**
     * A value for variable {@code v} written as text on a command line, read by the variable's BTF type:
     * {@code true}/{@code false} for a bool, a number (decimal, 0x hex, negative) for an integer, an
     * enumerator's name or a number for an enum, the text itself for a char array, and for any other type
     * (or without BTF) {@code 0x} and the variable's bytes in hex. Range and size are checked when the
     * value is written ({@link #initialValue(Map, ByteOrder)}).
     */
    public VariableValue parse(GlobalVariable v, String text) {
        String where = "variable '" + v.name() + "' (" + typeName(v) + ")";
        BtfType t = btf == null || v.btfTypeId() == 0 ? null : btf.type(btf.resolve(v.btfTypeId()));
        if (t instanceof BtfType.Array a && btf.sizeOf(a.elemType()) == 1) {
            return new VariableValue.Text(text);
        }
        if (t instanceof BtfType.Int i && (i.encoding() & 4) != 0) {
            return switch (text) {
                case "true", "1" -> new VariableValue.Bool(true);
                case "false", "0" -> new VariableValue.Bool(false);
                default -> throw new ElfException(where + ": '" + text + "' is not true or false");
            };
        }
        if (t instanceof BtfType.Enum e) {
            for (BtfType.EnumValue ev : e.values()) {
                if (ev.name().equals(text)) {
                    return new VariableValue.Integer(ev.value());
                }
            }
            try {
                return new VariableValue.Integer(Long.decode(text));
            } catch (NumberFormatException x) {
                throw new ElfException(where + ": '" + text + "' is neither a number nor one of "
                        + String.join(", ", e.values().stream().map(BtfType.EnumValue::name).toList()));
            }
        }
        if (t instanceof BtfType.Int) {
            try {
                return new VariableValue.Integer(Long.decode(text));
            } catch (NumberFormatException x) {
                throw new ElfException(where + ": '" + text + "' is not a number (decimal, or 0x hex)");
            }
        }
        if (text.startsWith("0x") && text.length() == 2 + 2 * v.size()) {
            try {
                return new VariableValue.Raw(java.util.HexFormat.of().parseHex(text.substring(2)));
            } catch (IllegalArgumentException x) {
                // not hex: said below
            }
        }
        throw new ElfException(where + ": give its " + v.size() + " bytes as 0x and " + 2 * v.size()
                + " hex digits, in the object's byte order");
    }

    private byte[] encode(GlobalVariable v, VariableValue value, ByteOrder order) {
        String where = "variable '" + v.name() + "' (" + typeName(v) + ", " + v.size() + " bytes, in " + section + ")";
        if (value instanceof VariableValue.Raw raw) {
            if (raw.value().length != v.size()) {
                throw new ElfException(where + ": " + raw.value().length + " bytes given, it needs exactly " + v.size());
            }
            return raw.value().clone();
        }
        BtfType t = btf == null || v.btfTypeId() == 0 ? null : btf.type(btf.resolve(v.btfTypeId()));
        if (t == null) {
            throw new ElfException(where + ": the object has no BTF type for it, so only raw bytes can be set");
        }
        if (value instanceof VariableValue.Text text) {
            if (t instanceof BtfType.Array a && btf.sizeOf(a.elemType()) == 1) {
                byte[] s = text.value().getBytes(StandardCharsets.UTF_8);
                if (s.length >= v.size()) {
                    throw new ElfException(where + ": the string is " + s.length + " bytes, it holds at most "
                            + (v.size() - 1) + " and a NUL");
                }
                byte[] out = new byte[v.size()];
                System.arraycopy(s, 0, out, 0, s.length);
                return out;
            }
            throw new ElfException(where + ": a string can only be set on a char array");
        }
        boolean bool = t instanceof BtfType.Int i && (i.encoding() & 4) != 0;
        boolean signed = t instanceof BtfType.Int i2 ? (i2.encoding() & 1) != 0
                : t instanceof BtfType.Enum e && e.signed();
        if (!(t instanceof BtfType.Int) && !(t instanceof BtfType.Enum)) {
            throw new ElfException(where + ": it is not an integer, enum or bool; give its raw bytes");
        }
        long n;
        if (value instanceof VariableValue.Bool b) {
            if (!bool && v.size() != 1) {
                throw new ElfException(where + ": true/false can only be set on a bool or a 1-byte integer");
            }
            n = b.value() ? 1 : 0;
        } else {
            n = ((VariableValue.Integer) value).value();
            if (bool && n != 0 && n != 1) {
                throw new ElfException(where + ": a bool takes 0 or 1, not " + n);
            }
            checkRange(where, n, v.size(), signed);
        }
        ByteBuffer b = ByteBuffer.allocate(v.size()).order(order);
        switch (v.size()) {
            case 1: b.put((byte) n); break;
            case 2: b.putShort((short) n); break;
            case 4: b.putInt((int) n); break;
            case 8: b.putLong(n); break;
            default: throw new ElfException(where + ": an integer of " + v.size() + " bytes; give its raw bytes");
        }
        return b.array();
    }

    private static void checkRange(String where, long n, int size, boolean signed) {
        if (size >= 8) {
            if (!signed && n < 0) {
                throw new ElfException(where + ": " + n + " is negative but the type is unsigned");
            }
            return;
        }
        long bits = 8L * size;
        long min = signed ? -(1L << (bits - 1)) : 0;
        long max = signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
        if (n < min || n > max) {
            throw new ElfException(where + ": " + n + " does not fit; the type takes " + min + ".." + max);
        }
    }

    /** Reads every global data section of {@code elf} that has bytes (libbpf skips empty ones). */
    static List<GlobalData> read(ElfFile elf, Btf btf) {
        List<GlobalData> out = new ArrayList<>();
        for (ElfSection s : elf.sections()) {
            Optional<Kind> kind = kindOf(s.name());
            if (s.index() == 0 || kind.isEmpty() || s.size() == 0 || s.executable()) {
                continue;
            }
            if (kind.get() == Kind.BSS ? !s.nobits() : s.type() != ElfSection.SHT_PROGBITS) {
                continue; // libbpf: .data/.rodata must be PROGBITS, .bss NOBITS; anything else is not global data
            }
            if (s.size() < 0 || s.size() > MAX_SIZE) {
                throw new ElfException(s.describe() + " is " + Long.toUnsignedString(s.size()) + " bytes, more than the "
                        + MAX_SIZE + " a global data map's value may hold");
            }
            byte[] data = kind.get() == Kind.BSS ? new byte[(int) s.size()] : elf.data(s);
            int dsId = btf == null ? -1 : btf.find(dev.gewyvern.btf.BtfKind.DATASEC, s.name());
            Map<String, Integer> types = new java.util.HashMap<>();
            if (dsId > 0) {
                for (BtfType.SecInfo si : ((BtfType.Datasec) btf.type(dsId)).vars()) {
                    if (btf.type(si.type()) instanceof BtfType.Var var) {
                        types.putIfAbsent(var.name(), var.type());
                    }
                }
            }
            List<GlobalVariable> vars = new ArrayList<>();
            for (ElfSymbol sym : elf.symbols()) {
                if (sym.sectionIndex() != s.index() || sym.type() != ElfSymbol.STT_OBJECT || sym.name().isEmpty()) {
                    continue;
                }
                if (sym.value() < 0 || sym.size() <= 0 || sym.value() > data.length
                        || sym.size() > data.length - sym.value()) {
                    throw new ElfException("variable '" + sym.name() + "' [offset " + Long.toUnsignedString(sym.value())
                            + ", size " + Long.toUnsignedString(sym.size()) + "] is outside " + s.describe() + " ("
                            + data.length + " bytes)");
                }
                vars.add(new GlobalVariable(s.name(), sym.name(), (int) sym.value(), (int) sym.size(),
                        types.getOrDefault(sym.name(), 0), sym.isGlobal()));
            }
            vars.sort(java.util.Comparator.comparingInt(GlobalVariable::offset));
            out.add(new GlobalData(s.name(), kind.get(), data, vars, Math.max(dsId, 0), btf));
        }
        return out;
    }
}
