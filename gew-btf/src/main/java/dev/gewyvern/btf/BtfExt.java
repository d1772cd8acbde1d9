package dev.gewyvern.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code .BTF.ext} section: per ELF section, the func_info, line_info and CO-RE relocation
 * records clang emits beside an object's {@code .BTF}. Record offsets ({@code insnOff}) are BYTE
 * offsets within the named ELF section, as on the wire; string offsets and type ids refer to the
 * object's BTF, and every one of them is checked against it when parsing.
 *
 * <p>Each block starts with a record size: records longer than the ones we know (a newer clang)
 * are read by their known prefix; shorter than that is an error.
 */
public final class BtfExt {
    static final int MIN_HEADER_LEN = 24;
    static final int CORE_HEADER_LEN = 32;
    static final int FUNC_INFO_MIN = 8;
    static final int LINE_INFO_MIN = 16;
    static final int CORE_RELO_MIN = 16;

    /** One func_info record: the function starting at byte {@code insnOff} has BTF FUNC {@code typeId}. */
    public record FuncInfo(int insnOff, int typeId) {}

    /**
     * One line_info record: the instruction at byte {@code insnOff} comes from source line
     * {@code lineCol >>> 10}, column {@code lineCol & 0x3ff}; file name and line text are BTF strings.
     */
    public record LineInfo(int insnOff, int fileNameOff, int lineOff, int lineCol) {
        public int lineNumber() {
            return lineCol >>> 10;
        }

        public int column() {
            return lineCol & 0x3ff;
        }
    }

    /** One CO-RE relocation record ({@code struct bpf_core_relo}); {@code kind} as in {@code enum bpf_core_relo_kind}. */
    public record CoreRelo(int insnOff, int typeId, int accessStrOff, int kind) {}

    private final ByteOrder order;
    private final int version;
    private final int flags;
    private final int funcInfoRecordSize;
    private final int lineInfoRecordSize;
    private final int coreReloRecordSize;
    private final Map<String, List<FuncInfo>> funcInfo;
    private final Map<String, List<LineInfo>> lineInfo;
    private final Map<String, List<CoreRelo>> coreRelos;

    private BtfExt(ByteOrder order, int version, int flags, int funcSize, int lineSize, int coreSize,
                   Map<String, List<FuncInfo>> funcInfo, Map<String, List<LineInfo>> lineInfo,
                   Map<String, List<CoreRelo>> coreRelos) {
        this.order = order;
        this.version = version;
        this.flags = flags;
        this.funcInfoRecordSize = funcSize;
        this.lineInfoRecordSize = lineSize;
        this.coreReloRecordSize = coreSize;
        this.funcInfo = funcInfo;
        this.lineInfo = lineInfo;
        this.coreRelos = coreRelos;
    }

    /**
     * Parses {@code .BTF.ext} bytes against the object's {@code btf} (whose strings name the
     * sections and whose types the records refer to). Malformed input ends in a {@link BtfException}
     * naming the block and the byte offset.
     */
    public static BtfExt parse(byte[] bytes, Btf btf) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < MIN_HEADER_LEN) {
            throw new BtfException(".BTF.ext is " + bytes.length + " bytes, shorter than its 24-byte header");
        }
        int magic = Short.toUnsignedInt(b.getShort(0));
        if (magic != Btf.MAGIC) {
            if (Integer.reverseBytes(magic << 16) == Btf.MAGIC) {
                b.order(ByteOrder.BIG_ENDIAN);
            } else {
                throw new BtfException("no .BTF.ext magic (0xeb9f) at offset 0");
            }
        }
        int version = Byte.toUnsignedInt(b.get(2));
        if (version != 1) {
            throw new BtfException("unsupported .BTF.ext version " + version + " at offset 2 (want 1)");
        }
        int flags = Byte.toUnsignedInt(b.get(3));
        if (flags != 0) {
            throw new BtfException("unsupported .BTF.ext flags 0x" + Integer.toHexString(flags) + " at offset 3");
        }
        long hdrLen = Integer.toUnsignedLong(b.getInt(4));
        if (hdrLen < MIN_HEADER_LEN || hdrLen > bytes.length) {
            throw new BtfException(".BTF.ext header length " + hdrLen + " is outside 24.." + bytes.length);
        }
        Reader r = new Reader(b, (int) hdrLen, btf);
        Map<String, List<FuncInfo>> func = new LinkedHashMap<>();
        Map<String, List<LineInfo>> line = new LinkedHashMap<>();
        Map<String, List<CoreRelo>> core = new LinkedHashMap<>();
        int funcSize = r.block("func_info", b.getInt(8), b.getInt(12), FUNC_INFO_MIN, (name, p) -> {
            int typeId = b.getInt(p + 4);
            r.checkType("func_info", name, p, typeId, true);
            func.computeIfAbsent(name, k -> new ArrayList<>()).add(new FuncInfo(b.getInt(p), typeId));
        });
        int lineSize = r.block("line_info", b.getInt(16), b.getInt(20), LINE_INFO_MIN, (name, p) -> {
            int fileOff = b.getInt(p + 4);
            int lineOff = b.getInt(p + 8);
            r.checkString("line_info", name, p, fileOff);
            r.checkString("line_info", name, p, lineOff);
            line.computeIfAbsent(name, k -> new ArrayList<>())
                    .add(new LineInfo(b.getInt(p), fileOff, lineOff, b.getInt(p + 12)));
        });
        int coreSize = 0;
        if (hdrLen >= CORE_HEADER_LEN) {
            coreSize = r.block("core_relo", b.getInt(24), b.getInt(28), CORE_RELO_MIN, (name, p) -> {
                int typeId = b.getInt(p + 4);
                int accessOff = b.getInt(p + 8);
                r.checkType("core_relo", name, p, typeId, false);
                r.checkString("core_relo", name, p, accessOff);
                core.computeIfAbsent(name, k -> new ArrayList<>())
                        .add(new CoreRelo(b.getInt(p), typeId, accessOff, b.getInt(p + 12)));
            });
        }
        return new BtfExt(b.order(), version, flags, funcSize, lineSize, coreSize,
                freeze(func), freeze(line), freeze(core));
    }

    private static <T> Map<String, List<T>> freeze(Map<String, List<T>> m) {
        Map<String, List<T>> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(out);
    }

    private interface RecordSink {
        void accept(String section, int pos);
    }

    private static final class Reader {
        private final ByteBuffer b;
        private final int hdrLen;
        private final Btf btf;

        Reader(ByteBuffer b, int hdrLen, Btf btf) {
            this.b = b;
            this.hdrLen = hdrLen;
            this.btf = btf;
        }

        /** Reads one info block; returns its record size (0 when the block is empty). */
        int block(String what, int offRaw, int lenRaw, int minRecord, RecordSink sink) {
            long off = Integer.toUnsignedLong(offRaw);
            long len = Integer.toUnsignedLong(lenRaw);
            long avail = b.capacity() - hdrLen;
            if (len == 0) {
                return 0;
            }
            if ((off & 3) != 0) {
                throw new BtfException(".BTF.ext " + what + " offset " + off + " is not 4-byte aligned");
            }
            if (off + len > avail) {
                throw new BtfException(".BTF.ext " + what + " [" + off + ", +" + len + ") runs past the end ("
                        + avail + " bytes after the header)");
            }
            if (len < 4) {
                throw new BtfException(".BTF.ext " + what + " is " + len + " bytes, too short for its record size");
            }
            int start = (int) (hdrLen + off);
            int end = (int) (start + len);
            long recSize = Integer.toUnsignedLong(b.getInt(start));
            if (recSize < minRecord || (recSize & 3) != 0) {
                throw new BtfException(".BTF.ext " + what + " record size " + recSize + " at offset " + start
                        + " is invalid (want a multiple of 4, at least " + minRecord + ")");
            }
            int p = start + 4;
            while (p < end) {
                if (end - p < 8) {
                    throw new BtfException(".BTF.ext " + what + " section header at offset " + p + " is truncated");
                }
                int nameOff = b.getInt(p);
                long num = Integer.toUnsignedLong(b.getInt(p + 4));
                if (Integer.toUnsignedLong(nameOff) >= btf.stringsLength()) {
                    throw new BtfException(".BTF.ext " + what + " section name offset " + Integer.toUnsignedString(nameOff)
                            + " at offset " + p + " is past the BTF string section (" + btf.stringsLength() + " bytes)");
                }
                String name = btf.string(nameOff);
                if (num == 0) {
                    throw new BtfException(".BTF.ext " + what + " section '" + name + "' at offset " + p
                            + " has no records");
                }
                p += 8;
                if (num * recSize > end - p) {
                    throw new BtfException(".BTF.ext " + what + " section '" + name + "' at offset " + (p - 8) + ": "
                            + num + " records of " + recSize + " bytes run past the block (" + (end - p) + " bytes left)");
                }
                for (long k = 0; k < num; k++) {
                    sink.accept(name, p);
                    p += (int) recSize;
                }
            }
            return (int) recSize;
        }

        void checkString(String what, String section, int pos, int off) {
            if (Integer.toUnsignedLong(off) >= btf.stringsLength()) {
                throw new BtfException(".BTF.ext " + what + " record at offset " + pos + " (section '" + section
                        + "') names string offset " + Integer.toUnsignedString(off) + ", past the BTF string section ("
                        + btf.stringsLength() + " bytes)");
            }
        }

        void checkType(String what, String section, int pos, int typeId, boolean mustBeFunc) {
            if (typeId < 0 || typeId >= btf.typeCount()) {
                throw new BtfException(".BTF.ext " + what + " record at offset " + pos + " (section '" + section
                        + "') refers to type id " + Integer.toUnsignedString(typeId) + ", past the last type "
                        + (btf.typeCount() - 1));
            }
            if (mustBeFunc && btf.kind(typeId) != BtfKind.FUNC) {
                throw new BtfException(".BTF.ext " + what + " record at offset " + pos + " (section '" + section
                        + "') refers to type id " + typeId + ", a " + btf.kind(typeId) + " rather than a FUNC");
            }
        }
    }

    public ByteOrder order() {
        return order;
    }

    public int version() {
        return version;
    }

    public int flags() {
        return flags;
    }

    /** The func_info record size in the object (0 when there is no func_info block). */
    public int funcInfoRecordSize() {
        return funcInfoRecordSize;
    }

    public int lineInfoRecordSize() {
        return lineInfoRecordSize;
    }

    public int coreReloRecordSize() {
        return coreReloRecordSize;
    }

    /** func_info records by ELF section name, in file order. */
    public Map<String, List<FuncInfo>> funcInfo() {
        return funcInfo;
    }

    public Map<String, List<LineInfo>> lineInfo() {
        return lineInfo;
    }

    public Map<String, List<CoreRelo>> coreRelos() {
        return coreRelos;
    }

    public List<FuncInfo> funcInfo(String section) {
        return funcInfo.getOrDefault(section, List.of());
    }

    public List<LineInfo> lineInfo(String section) {
        return lineInfo.getOrDefault(section, List.of());
    }

    public List<CoreRelo> coreRelos(String section) {
        return coreRelos.getOrDefault(section, List.of());
    }
}
