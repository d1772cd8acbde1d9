package dev.gewyvern.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed BTF blob: the header and section bounds are validated and every type record is indexed
 * up front (one int per type); types and names are decoded on demand. Split BTF (a kernel module's)
 * sits on a base: its type ids and string offsets continue the base's.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class Btf {
    static final int MAGIC = 0xEB9F;
    static final int HEADER_LEN = 24;
    private static final int RECORD_LEN = 12;
    private static final BtfType VOID = new BtfType.Void();

    private final ByteBuffer data;
    private final Btf base;
    private final int typeStart;
    private final int strStart;
    private final int strLen;
    private final int[] offsets;
    private final int firstId;
    private final int baseStrLen;
    private final byte[] heap;
    private final int heapOffset;
    /**
     * Types whose names and references have been checked, one bit each: a type is checked once per
     * Btf. Racing threads may each check the same type (a lost bit only means checking it again).
     */
    private final long[] checked;

    private Btf(ByteBuffer data, Btf base, int typeStart, int strStart, int strLen, int[] offsets) {
        this.data = data;
        this.base = base;
        this.typeStart = typeStart;
        this.strStart = strStart;
        this.strLen = strLen;
        this.offsets = offsets;
        this.firstId = base == null ? 1 : base.typeCount();
        this.baseStrLen = base == null ? 0 : base.stringsLength();
        this.checked = new long[(offsets.length + 63) >>> 6];
        this.heap = data.hasArray() ? data.array() : null;
        this.heapOffset = data.hasArray() ? data.arrayOffset() : 0;
    }

    /** Parses standalone BTF (an object's .BTF section or vmlinux). */
    public static Btf parse(byte[] bytes) {
        return parse(ByteBuffer.wrap(bytes), null);
    }

    /**
     * Parses BTF from a buffer (which it does not copy; it must not change afterwards), as split BTF
     * over {@code base} when that is not null, and checks every type's names and references up front,
     * so that no later decoding can fail. Right for objects; for the kernel's BTF see {@link #index}.
     */
    public static Btf parse(ByteBuffer bytes, Btf base) {
        Btf btf = index(bytes, base);
        btf.validate();
        return btf;
    }

    /**
     * Indexes BTF without decoding it: the header, section bounds and string section are checked and
     * every type record's kind and length are walked to find its offset (one int per type). Names and
     * references are checked when a type is decoded ({@link #type}, {@link #name}, {@link #kind}), which
     * then throws the {@link BtfException} that {@link #parse} would have thrown up front. Right for
     * the kernel's BTF, of which a caller reads a handful of types; {@link #validate} checks the rest.
     */
    public static Btf index(ByteBuffer bytes, Btf base) {
        return index(bytes, base, null);
    }

    /**
     * As {@link #index(ByteBuffer, Btf)}, with the records' offsets given instead of found by walking every
     * record: what {@link #recordOffsets} returned for the same bytes earlier (the kernel's BTF, kept for the
     * rest of a boot). The header and string section are checked as there; the offsets only as far as that
     * costs no walk (the first record at 0, the last one ending where the type section ends), so a caller
     * must know that they are these bytes' offsets. {@code recordOffsets} null: found by the walk.
     */
    public static Btf index(ByteBuffer bytes, Btf base, int[] recordOffsets) {
        ByteBuffer b = bytes.slice();
        if (b.remaining() < HEADER_LEN) {
            throw new BtfException("BTF is " + b.remaining() + " bytes, shorter than its 24-byte header");
        }
        b.order(ByteOrder.LITTLE_ENDIAN);
        int magic = Short.toUnsignedInt(b.getShort(0));
        if (magic != MAGIC) {
            if (Integer.reverseBytes(magic << 16) == MAGIC) {
                b.order(ByteOrder.BIG_ENDIAN);
            } else {
                // the bytes found are not quoted: a file named as BTF may be anything, and errors travel
                throw new BtfException("no BTF magic (0xeb9f) at offset 0");
            }
        }
        int version = Byte.toUnsignedInt(b.get(2));
        if (version != 1) {
            throw new BtfException("unsupported BTF version " + version + " at offset 2 (want 1)");
        }
        long hdrLen = Integer.toUnsignedLong(b.getInt(4));
        if (hdrLen < HEADER_LEN || hdrLen > b.remaining()) {
            throw new BtfException("BTF header length " + hdrLen + " is outside 24.." + b.remaining());
        }
        for (long i = HEADER_LEN; i < hdrLen; i++) {
            if (b.get((int) i) != 0) {
                throw new BtfException("BTF header byte " + i + " is not zero: the header is newer than we know");
            }
        }
        long typeOff = Integer.toUnsignedLong(b.getInt(8));
        long typeLen = Integer.toUnsignedLong(b.getInt(12));
        long strOff = Integer.toUnsignedLong(b.getInt(16));
        long strLen = Integer.toUnsignedLong(b.getInt(20));
        long total = b.remaining();
        if ((typeOff & 3) != 0) {
            throw new BtfException("BTF type section offset " + typeOff + " is not 4-byte aligned");
        }
        if (hdrLen + typeOff + typeLen > total) {
            throw new BtfException("BTF type section [" + typeOff + ", +" + typeLen + ") runs past the end ("
                    + (total - hdrLen) + " bytes after the header)");
        }
        if (hdrLen + strOff + strLen > total) {
            throw new BtfException("BTF string section [" + strOff + ", +" + strLen + ") runs past the end ("
                    + (total - hdrLen) + " bytes after the header)");
        }
        if (typeOff < strOff ? typeOff + typeLen > strOff : strOff + strLen > typeOff) {
            throw new BtfException("BTF type and string sections overlap");
        }
        int strStart = (int) (hdrLen + strOff);
        if (base == null && (strLen == 0 || b.get(strStart) != 0)) {
            throw new BtfException("BTF string section must start with an empty string");
        }
        if (strLen > 0 && b.get(strStart + (int) strLen - 1) != 0) {
            throw new BtfException("BTF string section does not end with a NUL byte");
        }
        int typeStart = (int) (hdrLen + typeOff);
        int[] offsets = recordOffsets == null ? offsets(b, typeStart, (int) typeLen, base == null ? 1 : base.typeCount())
                : given(b, typeStart, (int) typeLen, recordOffsets);
        return new Btf(b, base, typeStart, strStart, (int) strLen, offsets);
    }

    /** Where each of this BTF's own type records starts, from the start of its type section (a copy). */
    public int[] recordOffsets() {
        return offsets.clone();
    }

    /** Offsets from an earlier index of the same bytes, checked without a walk (see {@link #index(ByteBuffer, Btf, int[])}). */
    private static int[] given(ByteBuffer b, int start, int len, int[] offsets) {
        boolean fits;
        if (offsets.length == 0) {
            fits = len == 0;
        } else {
            int last = offsets[offsets.length - 1];
            fits = offsets[0] == 0 && offsets.length <= len / RECORD_LEN && last >= 0 && last <= len - RECORD_LEN;
            if (fits) {
                int info = b.getInt(start + last + 4);
                long size = RECORD_LEN + trailing((info >>> 24) & 0x1f, info & 0xffff);
                fits = size >= RECORD_LEN && last + size == len;
            }
        }
        if (!fits) {
            throw new BtfException("the record offsets given (" + offsets.length + ") are not those of this BTF's "
                    + len + "-byte type section");
        }
        return offsets.clone();
    }

    /**
     * Walks the records' heads to find each one's offset. Over a heap array (bytes read into the
     * heap: what a fresh process has) the info word is put together from four array loads, which a
     * not-yet-compiled loop runs several times faster than a ByteBuffer call; over mapped memory the
     * ByteBuffer reads it.
     */
    private static int[] offsets(ByteBuffer b, int start, int len, int firstId) {
        byte[] a = b.hasArray() ? b.array() : null;
        int base = a == null ? 0 : b.arrayOffset() + start;
        boolean little = b.order() == ByteOrder.LITTLE_ENDIAN;
        // at most one record per 12 bytes: the array can never outgrow the input
        int[] offsets = new int[Math.min(len / RECORD_LEN, 1 << 18)];
        int n = 0;
        int pos = 0;
        while (pos < len) {
            if (len - pos < RECORD_LEN) {
                throw new BtfException("BTF type " + (firstId + n) + " at type offset " + pos + " is truncated");
            }
            int info;
            if (a != null) {
                int q = base + pos + 4;
                info = little
                        ? (a[q] & 0xff) | (a[q + 1] & 0xff) << 8 | (a[q + 2] & 0xff) << 16 | a[q + 3] << 24
                        : a[q] << 24 | (a[q + 1] & 0xff) << 16 | (a[q + 2] & 0xff) << 8 | (a[q + 3] & 0xff);
            } else {
                info = b.getInt(start + pos + 4);
            }
            int kindNo = (info >>> 24) & 0x1f;
            int vlen = info & 0xffff;
            long size = RECORD_LEN + trailing(kindNo, vlen);
            if (size == RECORD_LEN - 1 || (info & 0x60ff_0000) != 0) {
                throw new BtfException("BTF type " + (firstId + n) + " at type offset " + pos
                        + (size == RECORD_LEN - 1 ? " has unknown kind " + kindNo
                                : String.format(" sets reserved info bits (info 0x%08x)", info)));
            }
            if (size > len - pos) {
                throw new BtfException("BTF type " + (firstId + n) + " (" + BtfKind.of(kindNo) + ", vlen " + vlen
                        + ") at type offset " + pos + " runs past the type section");
            }
            if (n == offsets.length) {
                offsets = java.util.Arrays.copyOf(offsets, Math.min(offsets.length * 2, len / RECORD_LEN));
            }
            offsets[n++] = pos;
            pos += (int) size;
        }
        return java.util.Arrays.copyOf(offsets, n);
    }

    /** Bytes after the 12-byte head of a record of this kind; -1 for VOID and numbers that are no kind. */
    static long trailing(int kind, int vlen) {
        switch (kind) {
            case 1: case 14: case 17: return 4;                       // INT, VAR, DECL_TAG
            case 3: return 12;                                         // ARRAY
            case 4: case 5: case 15: case 19: return 12L * vlen;       // STRUCT, UNION, DATASEC, ENUM64
            case 6: case 13: return 8L * vlen;                         // ENUM, FUNC_PROTO
            case 2: case 7: case 8: case 9: case 10: case 11: case 12: case 16: case 18: return 0;
            default: return -1;
        }
    }

    static long trailing(BtfKind kind, int vlen) {
        return switch (kind) {
            case INT, VAR, DECL_TAG -> 4;
            case ARRAY -> 12;
            case STRUCT, UNION, DATASEC -> 12L * vlen;
            case ENUM, FUNC_PROTO -> 8L * vlen;
            case ENUM64 -> 12L * vlen;
            default -> 0;
        };
    }

    /** Checks every name offset and every referenced type id, so that later decoding cannot fail. */
    public void validate() {
        for (int i = 0; i < offsets.length; i++) {
            check(firstId + i, typeStart + offsets[i]);
        }
    }

    /** Checks one type's name offsets and type references (the record's bounds were checked by the index). */
    private void check(int id, int p) {
        int i = id - firstId;
        if ((checked[i >>> 6] & (1L << i)) != 0) {
            return;
        }
        checkNow(id, p);
        checked[i >>> 6] |= 1L << i;
    }

    private void checkNow(int id, int p) {
        int limit = typeCount();
        {
            int info = data.getInt(p + 4);
            BtfKind kind = BtfKind.of((info >>> 24) & 0x1f);
            int vlen = info & 0xffff;
            checkString(id, data.getInt(p));
            int ref = data.getInt(p + 8);
            switch (kind) {
                case PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, VAR, DECL_TAG, TYPE_TAG -> checkRef(id, ref, limit);
                case ARRAY -> {
                    checkRef(id, data.getInt(p + 12), limit);
                    checkRef(id, data.getInt(p + 16), limit);
                }
                case STRUCT, UNION -> {
                    for (int m = 0; m < vlen; m++) {
                        checkString(id, data.getInt(p + 12 + 12 * m));
                        checkRef(id, data.getInt(p + 16 + 12 * m), limit);
                    }
                }
                case ENUM -> {
                    for (int m = 0; m < vlen; m++) {
                        checkString(id, data.getInt(p + 12 + 8 * m));
                    }
                }
                case ENUM64 -> {
                    for (int m = 0; m < vlen; m++) {
                        checkString(id, data.getInt(p + 12 + 12 * m));
                    }
                }
                case FUNC_PROTO -> {
                    checkRef(id, ref, limit);
                    for (int m = 0; m < vlen; m++) {
                        checkString(id, data.getInt(p + 12 + 8 * m));
                        checkRef(id, data.getInt(p + 16 + 8 * m), limit);
                    }
                }
                case DATASEC -> {
                    for (int m = 0; m < vlen; m++) {
                        checkRef(id, data.getInt(p + 12 + 12 * m), limit);
                    }
                }
                default -> { }
            }
        }
    }

    private void checkRef(int id, int ref, int limit) {
        if (ref < 0 || ref >= limit) {
            throw new BtfException("BTF type " + id + " refers to type id " + Integer.toUnsignedString(ref)
                    + ", past the last type " + (limit - 1));
        }
    }

    private void checkString(int id, int off) {
        long o = Integer.toUnsignedLong(off);
        if (o >= baseStrLen + (long) strLen) {
            throw new BtfException("BTF type " + id + " names string offset " + o + ", past the string section ("
                    + (baseStrLen + strLen) + " bytes)");
        }
    }

    /** A new flyweight view for walking types without decoding them. */
    public BtfCursor cursor() {
        return new BtfCursor(this);
    }

    /** The Btf (this or a base) that holds the record of type {@code id}. */
    Btf owner(int id) {
        Btf b = this;
        while (id > 0 && id < b.firstId) {
            b = b.base;
        }
        return b;
    }

    /** The absolute offset of type {@code id}'s record in this Btf's data, its names and references checked. */
    int checkedRecord(int id) {
        if (id == 0) {
            throw new BtfException("BTF type 0 is void and has no record");
        }
        int p = recordOffset(id);
        check(id, p);
        return p;
    }

    int raw(int at) {
        return data.getInt(at);
    }

    /** One more than the highest type id: ids 0 (void) to typeCount() - 1 are valid. */
    public int typeCount() {
        return firstId + offsets.length;
    }

    /** The first type id this BTF defines itself (1, or the base's count for split BTF). */
    public int firstTypeId() {
        return firstId;
    }

    public Btf base() {
        return base;
    }

    public ByteOrder order() {
        return data.order();
    }

    int stringsLength() {
        return baseStrLen + strLen;
    }

    /** The string at {@code offset} in the (base + own) string section. */
    public String string(int offset) {
        if (offset < baseStrLen && offset >= 0) {
            return base.string(offset);
        }
        if (offset < 0 || offset >= baseStrLen + strLen) {
            throw new BtfException("BTF string offset " + Integer.toUnsignedString(offset)
                    + " is past the string section (" + (baseStrLen + strLen) + " bytes)");
        }
        int start = strStart + offset - baseStrLen;
        if (start == strStart + strLen - 1 || data.get(start) == 0) {
            return "";
        }
        // the section ends in NUL (checked by the index), so the scan stops inside it
        if (heap != null) {
            int from = heapOffset + start;
            int end = from;
            while (heap[end] != 0) {
                end++;
            }
            return new String(heap, from, end - from, StandardCharsets.UTF_8);
        }
        int end = start;
        while (data.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        data.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The hash {@link CoreNames#essentialHash} gives the essential part (up to its flavour) of the
     * string at {@code offset}, read in place: how CO-RE indexes a BTF's type names without decoding them.
     */
    int essentialHash(int offset) {
        if (offset < baseStrLen && offset >= 0) {
            return base.essentialHash(offset);
        }
        if (offset < 0 || offset >= baseStrLen + strLen) {
            throw new BtfException("BTF string offset " + Integer.toUnsignedString(offset)
                    + " is past the string section (" + (baseStrLen + strLen) + " bytes)");
        }
        int start = strStart + offset - baseStrLen;
        int end = start;
        while (data.get(end) != 0) { // the section ends in NUL (checked by the index)
            end++;
        }
        int n = end - start;
        int len = n;
        for (int i = n - 5; i >= 0; i--) {
            if (data.get(start + i) != '_' && data.get(start + i + 1) == '_' && data.get(start + i + 2) == '_'
                    && data.get(start + i + 3) == '_' && data.get(start + i + 4) != '_') {
                len = i + 1;
                break;
            }
        }
        int h = 0;
        for (int i = 0; i < len; i++) {
            h = 31 * h + (data.get(start + i) & 0xff);
        }
        return h;
    }

    /** True when the string at {@code offset} is {@code s} (ASCII compared without decoding). */
    boolean stringEquals(int offset, String s) {
        if (offset < baseStrLen && offset >= 0) {
            return base.stringEquals(offset, s);
        }
        if (offset < 0 || offset >= baseStrLen + strLen) {
            throw new BtfException("BTF string offset " + Integer.toUnsignedString(offset)
                    + " is past the string section (" + (baseStrLen + strLen) + " bytes)");
        }
        int start = strStart + offset - baseStrLen;
        int n = s.length();
        if (start + n >= strStart + strLen) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            char c = s.charAt(k);
            if (c >= 0x80) {
                return string(offset).equals(s);
            }
            if (data.get(start + k) != (byte) c) {
                return false;
            }
        }
        return data.get(start + n) == 0;
    }

    private int recordOffset(int id) {
        if (id < 0 || id >= typeCount()) {
            throw new BtfException("no BTF type id " + Integer.toUnsignedString(id) + " (last is "
                    + (typeCount() - 1) + ")");
        }
        if (id < firstId) {
            throw new IllegalArgumentException("type id " + id + " belongs to the base BTF");
        }
        return typeStart + offsets[id - firstId];
    }

    public BtfKind kind(int id) {
        if (id == 0) {
            return BtfKind.VOID;
        }
        if (id > 0 && id < firstId) {
            return base.kind(id);
        }
        return BtfKind.of((data.getInt(recordOffset(id) + 4) >>> 24) & 0x1f);
    }

    /** The name offset of type {@code id}'s record (0: anonymous), read without checking the rest of the record. */
    int nameOffset(int id) {
        if (id > 0 && id < firstId) {
            return base.nameOffset(id);
        }
        return data.getInt(recordOffset(id));
    }

    /** The type's name without decoding the rest of it. */
    public String name(int id) {
        if (id == 0) {
            return "";
        }
        if (id > 0 && id < firstId) {
            return base.name(id);
        }
        return string(data.getInt(recordOffset(id)));
    }

    /** Decodes type {@code id}. */
    public BtfType type(int id) {
        if (id == 0) {
            return VOID;
        }
        if (id > 0 && id < firstId) {
            return base.type(id);
        }
        int p = recordOffset(id);
        check(id, p);
        String name = string(data.getInt(p));
        int info = data.getInt(p + 4);
        BtfKind kind = BtfKind.of((info >>> 24) & 0x1f);
        boolean kflag = (info & 0x8000_0000) != 0;
        int vlen = info & 0xffff;
        int sizeOrType = data.getInt(p + 8);
        int t = p + RECORD_LEN;
        return switch (kind) {
            case INT -> {
                int v = data.getInt(t);
                yield new BtfType.Int(name, sizeOrType, (v >>> 24) & 0x0f, (v >>> 16) & 0xff, v & 0xff);
            }
            case PTR -> new BtfType.Ptr(sizeOrType);
            case ARRAY -> new BtfType.Array(data.getInt(t), data.getInt(t + 4), data.getInt(t + 8));
            case STRUCT, UNION -> {
                List<BtfType.Member> members = new ArrayList<>(vlen);
                for (int m = 0; m < vlen; m++) {
                    int q = t + 12 * m;
                    int off = data.getInt(q + 8);
                    members.add(kflag
                            ? new BtfType.Member(string(data.getInt(q)), data.getInt(q + 4), off & 0xffffff, off >>> 24)
                            : new BtfType.Member(string(data.getInt(q)), data.getInt(q + 4), off, 0));
                }
                yield new BtfType.Struct(name, sizeOrType, kind == BtfKind.UNION, kflag, members);
            }
            case ENUM -> {
                List<BtfType.EnumValue> values = new ArrayList<>(vlen);
                for (int m = 0; m < vlen; m++) {
                    int raw = data.getInt(t + 8 * m + 4);
                    values.add(new BtfType.EnumValue(string(data.getInt(t + 8 * m)),
                            kflag ? raw : Integer.toUnsignedLong(raw)));
                }
                yield new BtfType.Enum(name, sizeOrType, kflag, false, values);
            }
            case ENUM64 -> {
                List<BtfType.EnumValue> values = new ArrayList<>(vlen);
                for (int m = 0; m < vlen; m++) {
                    int q = t + 12 * m;
                    long v = (Integer.toUnsignedLong(data.getInt(q + 8)) << 32) | Integer.toUnsignedLong(data.getInt(q + 4));
                    values.add(new BtfType.EnumValue(string(data.getInt(q)), v));
                }
                yield new BtfType.Enum(name, sizeOrType, kflag, true, values);
            }
            case FWD -> new BtfType.Fwd(name, kflag);
            case TYPEDEF -> new BtfType.Typedef(name, sizeOrType);
            case VOLATILE, CONST, RESTRICT -> new BtfType.Qualifier(kind, sizeOrType);
            case TYPE_TAG -> new BtfType.TypeTag(name, sizeOrType);
            case FUNC -> new BtfType.Func(name, sizeOrType, vlen);
            case FUNC_PROTO -> {
                List<BtfType.Param> params = new ArrayList<>(vlen);
                for (int m = 0; m < vlen; m++) {
                    params.add(new BtfType.Param(string(data.getInt(t + 8 * m)), data.getInt(t + 8 * m + 4)));
                }
                yield new BtfType.FuncProto(sizeOrType, params);
            }
            case VAR -> new BtfType.Var(name, sizeOrType, data.getInt(t));
            case DATASEC -> {
                List<BtfType.SecInfo> vars = new ArrayList<>(vlen);
                for (int m = 0; m < vlen; m++) {
                    int q = t + 12 * m;
                    vars.add(new BtfType.SecInfo(data.getInt(q), data.getInt(q + 4), data.getInt(q + 8)));
                }
                yield new BtfType.Datasec(name, sizeOrType, vars);
            }
            case FLOAT -> new BtfType.Float(name, sizeOrType);
            case DECL_TAG -> new BtfType.DeclTag(name, sizeOrType, data.getInt(t));
            case VOID -> throw new AssertionError("void has no record");
        };
    }

    /** Every type this BTF defines itself, in id order (ids {@link #firstTypeId()} and up). */
    public List<BtfType> types() {
        List<BtfType> all = new ArrayList<>(offsets.length);
        for (int id = firstId; id < typeCount(); id++) {
            all.add(type(id));
        }
        return all;
    }

    /**
     * The first type with this kind and name, or -1. A linear scan that compares each name in place (no
     * string is decoded): some 126k records of vmlinux take a few milliseconds.
     */
    public int find(BtfKind kind, String name) {
        for (int id = firstId; id < typeCount(); id++) {
            if (kind(id) == kind && stringEquals(nameOffset(id), name)) {
                return id;
            }
        }
        return base == null ? -1 : base.find(kind, name);
    }

    /**
     * The ids of this BTF's own types (not its base's) whose names' essential part ({@link CoreNames}) is
     * one of {@code essentials}, per name, in id order; a name no type has maps to an empty array. One pass
     * over the type records that reads a name only where its first two bytes can start one of the wanted
     * names: how CO-RE finds candidates in vmlinux without indexing all of its names.
     */
    public Map<String, int[]> idsByEssentialName(java.util.Collection<String> essentials) {
        Map<String, int[]> out = new HashMap<>();
        boolean[] pairs = new boolean[1 << 16];
        for (String e : essentials) {
            byte[] b = e.getBytes(StandardCharsets.UTF_8);
            if (b.length == 0) {
                throw new IllegalArgumentException("CO-RE candidates need a named type");
            }
            int first = (b[0] & 0xff) << 8;
            if (b.length > 1) {
                pairs[first | (b[1] & 0xff)] = true;
            } else {
                pairs[first] = true;       // the name alone
                pairs[first | '_'] = true; // or with a flavour
            }
            out.put(e, new int[0]);
        }
        Map<String, int[]> found = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < offsets.length; i++) {
            int off = data.getInt(typeStart + offsets[i]);
            if (off == 0 || !pairs[firstTwoBytes(off)]) {
                continue;
            }
            String essential = CoreNames.essential(string(off));
            if (out.containsKey(essential)) {
                int n = counts.merge(essential, 1, Integer::sum);
                int[] ids = found.computeIfAbsent(essential, k -> new int[4]);
                if (n > ids.length) {
                    ids = java.util.Arrays.copyOf(ids, ids.length * 2);
                    found.put(essential, ids);
                }
                ids[n - 1] = firstId + i;
            }
        }
        for (Map.Entry<String, int[]> e : found.entrySet()) {
            out.put(e.getKey(), java.util.Arrays.copyOf(e.getValue(), counts.get(e.getKey())));
        }
        return out;
    }

    /** The first two bytes of the string at {@code offset} as one number (the second is 0 for a 1-byte string). */
    private int firstTwoBytes(int offset) {
        if (offset < baseStrLen && offset >= 0) {
            return base.firstTwoBytes(offset);
        }
        if (offset < 0 || offset >= baseStrLen + strLen) {
            throw new BtfException("BTF string offset " + Integer.toUnsignedString(offset)
                    + " is past the string section (" + (baseStrLen + strLen) + " bytes)");
        }
        int start = strStart + offset - baseStrLen;
        int b0 = data.get(start) & 0xff;
        // the section ends in NUL (checked by the index), so a non-NUL byte always has one after it
        return b0 == 0 ? 0 : b0 << 8 | (data.get(start + 1) & 0xff);
    }

    /** Follows typedefs, qualifiers and type tags to the type underneath. */
    public int resolve(int id) {
        for (int depth = 0; depth < 64; depth++) {
            switch (kind(id)) {
                case TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG -> id = data(id);
                default -> {
                    return id;
                }
            }
        }
        throw new BtfException("BTF type " + id + ": typedef/qualifier chain longer than 64 (a loop?)");
    }

    private int data(int id) {
        if (id > 0 && id < firstId) {
            return base.data(id);
        }
        return data.getInt(recordOffset(id) + 8);
    }

    /** The size in bytes of a value of type {@code id}. */
    public long sizeOf(int id) {
        int depth = 0;
        long mult = 1;
        while (depth++ < 64) {
            id = resolve(id);
            BtfType t = type(id);
            if (t instanceof BtfType.Array a) {
                mult *= Integer.toUnsignedLong(a.nelems());
                id = a.elemType();
                continue;
            }
            long size;
            if (t instanceof BtfType.Int i) {
                size = i.size();
            } else if (t instanceof BtfType.Struct st) {
                size = st.size();
            } else if (t instanceof BtfType.Enum e) {
                size = e.size();
            } else if (t instanceof BtfType.Float f) {
                size = f.size();
            } else if (t instanceof BtfType.Datasec d) {
                size = d.size();
            } else if (t instanceof BtfType.Ptr) {
                size = 8;
            } else {
                throw new BtfException("BTF type " + id + " (" + t.kind() + ") has no size");
            }
            return mult * Integer.toUnsignedLong((int) size);
        }
        throw new BtfException("BTF type " + id + ": array nesting deeper than 64");
    }
}
