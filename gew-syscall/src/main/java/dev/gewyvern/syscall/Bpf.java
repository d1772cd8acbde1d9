package dev.gewyvern.syscall;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.gewyvern.syscall.attr.BpfAttr;
import dev.gewyvern.syscall.attr.BpfCommand;
import dev.gewyvern.syscall.attr.BtfLoadAttr;
import dev.gewyvern.syscall.attr.GetFdByIdAttr;
import dev.gewyvern.syscall.attr.LinkCreateAttr;
import dev.gewyvern.syscall.attr.MapBatchAttr;
import dev.gewyvern.syscall.attr.MapCreateAttr;
import dev.gewyvern.syscall.attr.MapElemAttr;
import dev.gewyvern.syscall.attr.MapFreezeAttr;
import dev.gewyvern.syscall.attr.NativeArg;
import dev.gewyvern.syscall.attr.ObjInfoAttr;
import dev.gewyvern.syscall.attr.ObjPinAttr;
import dev.gewyvern.syscall.attr.ProgLoadAttr;
import dev.gewyvern.syscall.attr.ProgTestRunAttr;

/**
 * The bpf(2) operations gewyvern makes, each from a {@link BpfAttr} value, each failing with a
 * {@link BpfException} that names the call and the object.
 */
public final class Bpf {
    /** The kernel's cap on a verifier log buffer (UINT_MAX >> 2). */
    static final int LOG_MAX = Integer.MAX_VALUE >> 1;
    private static final int LOG_START = 256 * 1024;

    private Bpf() {
    }

    private static Kernel.Result call(BpfAttr attr) {
        return Kernel.get().bpf(attr);
    }

    private static Fd fd(BpfAttr attr, String what, String object) {
        Kernel.Result r = call(attr);
        if (r.value() < 0) {
            throw new BpfException(attr.command() + " of " + what + " " + object, r.errno(), null, null);
        }
        return new Fd((int) r.value(), what);
    }

    public static Fd createMap(MapCreateAttr attr) {
        MemlockLimit.ensure();
        return fd(attr, "map", "'" + attr.name() + "'");
    }

    /** Loads BTF; on failure loads again with a log so that the error says what the kernel refused. */
    public static Fd loadBtf(byte[] btf, String object) {
        NativeArg.In data = new NativeArg.In(btf);
        Kernel.Result r = call(new BtfLoadAttr(data, null, 0));
        if (r.value() >= 0) {
            return new Fd((int) r.value(), "btf");
        }
        NativeArg.Out log = new NativeArg.Out(LOG_START);
        Kernel.Result again = call(new BtfLoadAttr(data, log, 1));
        String text = VerifierLog.text(again.output(log));
        if (again.value() >= 0) {
            // succeeded the second time: report the first failure anyway, it was real
            new Fd((int) again.value(), "btf").close();
        }
        throw new BpfException("BPF_BTF_LOAD of " + object, r.errno(), "the kernel's BTF checker refused it", text);
    }

    /** BPF_LOG_STATS: the verifier's statistics lines, added to every retry's log level. */
    static final int LOG_STATS = 4;

    /**
     * Loads a program. The first attempt runs without a log (level 0, fast); when the verifier refuses, the
     * load is repeated with {@code logLevel} (1, or 2 for the full trace) plus statistics, in a buffer grown
     * until the whole log fits (to the size the kernel says it needed, up to its limit), so the error carries
     * the verifier's whole explanation; a log cut short by any other error is kept as it is.
     */
    public static LoadedProgram loadProgram(ProgLoadAttr attr, int logLevel) {
        MemlockLimit.ensure();
        long start = System.nanoTime();
        Kernel.Result r = call(attr.withLog(0, null));
        long loadNanos = System.nanoTime() - start;
        if (r.value() >= 0) {
            Fd fd = new Fd((int) r.value(), "prog");
            // one BPF_OBJ_GET_INFO_BY_FD of the fixed part: the map ids are not needed here
            int verified = new InfoReader(info(fd, ProgInfo.LAYOUT.size())).u32(ProgInfo.VERIFIED_INSNS);
            return new LoadedProgram(fd, null, new VerifierStats(verified, VerifierStats.UNKNOWN, loadNanos));
        }
        int firstErrno = r.errno();
        int size = LOG_START;
        String log = "";
        int errno = firstErrno;
        int level = Math.max(1, logLevel) | LOG_STATS;
        for (int attempt = 0; attempt < 8; attempt++) {
            NativeArg.Out buf = new NativeArg.Out(size);
            start = System.nanoTime();
            Kernel.Result again = call(attr.withLog(level, buf));
            loadNanos = System.nanoTime() - start;
            log = VerifierLog.text(again.output(buf));
            if (again.value() >= 0) {
                // not refused with a log: keep the program, the first failure was transient
                return new LoadedProgram(new Fd((int) again.value(), "prog"), log, VerifierStats.parse(log, loadNanos));
            }
            errno = again.errno();
            int trueSize = ByteBuffer.wrap(again.attrAfter()).order(ByteOrder.nativeOrder())
                    .getInt(ProgLoadAttr.logTrueSizeOffset());
            if (errno != Errno.ENOSPC || size >= LOG_MAX) {
                break;
            }
            size = (int) Math.min(LOG_MAX, Math.max((long) size * 4, trueSize + 1L));
        }
        String hint = switch (errno) {
            case Errno.EPERM -> "the kernel refuses this program type here (policy or missing privilege)";
            case Errno.EACCES, Errno.EINVAL -> log.isEmpty() ? null : "the verifier refused it; its log follows";
            case Errno.E2BIG -> "the program is too large for this kernel";
            case Errno.ENOSPC -> "the verifier's log outgrew the kernel's largest buffer; its start follows";
            default -> null;
        };
        throw new BpfException("BPF_PROG_LOAD of program '" + attr.name() + "'", errno, hint, log.isEmpty() ? null : log);
    }

    public static void pin(Fd fd, String path) {
        Kernel.Result r = call(new ObjPinAttr(BpfCommand.BPF_OBJ_PIN, path, fd.value(), 0));
        if (r.value() < 0) {
            throw new BpfException("BPF_OBJ_PIN of " + fd.what() + " at " + path, r.errno(),
                    r.errno() == Errno.EEXIST ? "something is already pinned there" : null, null);
        }
    }

    /** Opens a pinned object. */
    public static Fd get(String path, String what) {
        Kernel.Result r = call(new ObjPinAttr(BpfCommand.BPF_OBJ_GET, path, 0, 0));
        if (r.value() < 0) {
            throw new BpfException("BPF_OBJ_GET of " + path, r.errno(), null, null);
        }
        return new Fd((int) r.value(), what);
    }

    /** The value stored under {@code key}, or null when there is none. */
    public static byte[] lookup(Fd map, byte[] key, int valueSize) {
        NativeArg.Out value = new NativeArg.Out(valueSize);
        Kernel.Result r = call(new MapElemAttr(BpfCommand.BPF_MAP_LOOKUP_ELEM, map.value(), new NativeArg.In(key), value, 0));
        if (r.value() < 0) {
            if (r.errno() == Errno.ENOENT) {
                return null;
            }
            throw new BpfException("BPF_MAP_LOOKUP_ELEM on " + map, r.errno(), null, null);
        }
        return r.output(value);
    }

    public static void update(Fd map, byte[] key, byte[] value, long flags) {
        Kernel.Result r = call(new MapElemAttr(BpfCommand.BPF_MAP_UPDATE_ELEM, map.value(), new NativeArg.In(key),
                new NativeArg.In(value), flags));
        if (r.value() < 0) {
            throw new BpfException("BPF_MAP_UPDATE_ELEM on " + map, r.errno(), null, null);
        }
    }

    /**
     * Up to {@code count} entries after {@code token} (null: from the first), {@code tokenSize} bytes each way
     * (at least the key size, and 4 for hash maps, whose token is a bucket). {@code valueSize} is what one
     * value takes in the output (per-CPU maps: every CPU's copy). ENOENT ends the walk: {@code done} is set
     * and what came with it is kept.
     */
    public static MapBatch lookupBatch(Fd map, byte[] token, int tokenSize, int count, int keySize, int valueSize) {
        NativeArg.Out next = new NativeArg.Out(tokenSize);
        NativeArg.Out keys = new NativeArg.Out(count * keySize);
        NativeArg.Out values = new NativeArg.Out(count * valueSize);
        Kernel.Result r = call(new MapBatchAttr(BpfCommand.BPF_MAP_LOOKUP_BATCH, map.value(),
                token == null ? null : new NativeArg.In(token), next, keys, values, count, 0));
        boolean done = false;
        if (r.value() < 0) {
            if (r.errno() != Errno.ENOENT) {
                throw new BpfException("BPF_MAP_LOOKUP_BATCH on " + map, r.errno(), r.errno() == Errno.ENOSPC
                        ? "an entry group is larger than the batch" : null, null);
            }
            done = true;
        }
        int filled = ByteBuffer.wrap(r.attrAfter()).order(ByteOrder.nativeOrder()).getInt(MapBatchAttr.countOffset());
        filled = Math.max(0, Math.min(filled, count));
        return new MapBatch(filled, java.util.Arrays.copyOf(r.output(keys), filled * keySize),
                java.util.Arrays.copyOf(r.output(values), filled * valueSize), r.output(next), done);
    }

    /** Deletes the entry under {@code key}; false when there was none. */
    public static boolean delete(Fd map, byte[] key) {
        Kernel.Result r = call(new MapElemAttr(BpfCommand.BPF_MAP_DELETE_ELEM, map.value(), new NativeArg.In(key), null, 0));
        if (r.value() < 0) {
            if (r.errno() == Errno.ENOENT) {
                return false;
            }
            throw new BpfException("BPF_MAP_DELETE_ELEM on " + map, r.errno(), null, null);
        }
        return true;
    }

    /** The key after {@code key} (the first key when {@code key} is null), or null at the end. */
    public static byte[] nextKey(Fd map, byte[] key, int keySize) {
        NativeArg.Out next = new NativeArg.Out(keySize);
        Kernel.Result r = call(new MapElemAttr(BpfCommand.BPF_MAP_GET_NEXT_KEY, map.value(),
                key == null ? null : new NativeArg.In(key), next, 0));
        if (r.value() < 0) {
            if (r.errno() == Errno.ENOENT) {
                return null;
            }
            throw new BpfException("BPF_MAP_GET_NEXT_KEY on " + map, r.errno(), null, null);
        }
        return r.output(next);
    }

    public static void freeze(Fd map) {
        Kernel.Result r = call(new MapFreezeAttr(map.value()));
        if (r.value() < 0) {
            throw new BpfException("BPF_MAP_FREEZE on " + map, r.errno(), null, null);
        }
    }

    public static Fd createLink(LinkCreateAttr attr, String target) {
        Kernel.Result r = call(attr);
        if (r.value() < 0) {
            throw new BpfException("BPF_LINK_CREATE on " + target, r.errno(), null, null);
        }
        return new Fd((int) r.value(), "link");
    }

    private static byte[] info(Fd fd, int size) {
        NativeArg.Out out = new NativeArg.Out(size);
        Kernel.Result r = call(new ObjInfoAttr(fd.value(), out));
        if (r.value() < 0) {
            throw new BpfException("BPF_OBJ_GET_INFO_BY_FD on " + fd, r.errno(), null, null);
        }
        return r.output(out);
    }

    /** A second info call, whose struct points at buffers (sized by the first) for the kernel to fill. */
    private static Kernel.Result infoInto(Fd fd, NativeArg.Struct st, String what) {
        Kernel.Result full = call(new ObjInfoAttr(fd.value(), st));
        if (full.value() < 0) {
            throw new BpfException("BPF_OBJ_GET_INFO_BY_FD on " + what, full.errno(), null, null);
        }
        return full;
    }

    public static MapInfo mapInfo(Fd map) {
        return MapInfo.decode(info(map, MapInfo.LAYOUT.size()));
    }

    /** A program's info, and (with a second call when it uses any) the ids of its maps. */
    public static ProgInfo progInfo(Fd prog) {
        byte[] head = info(prog, ProgInfo.LAYOUT.size());
        int maps = ProgInfo.mapCount(head);
        if (maps == 0) {
            return ProgInfo.decode(head, new byte[0]);
        }
        NativeArg.Out ids = new NativeArg.Out(maps * 4);
        NativeArg.Struct st = new NativeArg.Struct(ProgInfo.LAYOUT,
                out -> out.u32(ProgInfo.NR_MAP_IDS, maps).ptr(ProgInfo.MAP_IDS, ids));
        Kernel.Result full = infoInto(prog, st, prog.toString());
        return ProgInfo.decode(full.output(st), full.output(ids));
    }

    /**
     * The program as the kernel runs it (its translated instructions, 8 bytes a slot, host order): after
     * the verifier's rewrites, with every map reference shown as {@code ld_imm64} of the map's id (src_reg
     * BPF_PSEUDO_MAP_FD or _VALUE) rather than the fd it was loaded with.
     */
    public static byte[] xlatedInsns(Fd prog) {
        int len = new InfoReader(info(prog, ProgInfo.LAYOUT.size())).u32(ProgInfo.XLATED_PROG_LEN);
        NativeArg.Out insns = new NativeArg.Out(len);
        NativeArg.Struct st = new NativeArg.Struct(ProgInfo.LAYOUT,
                out -> out.u32(ProgInfo.XLATED_PROG_LEN, len).ptr(ProgInfo.XLATED_PROG_INSNS, insns));
        return infoInto(prog, st, prog + " (xlated_prog_insns)").output(insns);
    }

    /**
     * Runs a loaded program once in the kernel (BPF_PROG_TEST_RUN), attached to nothing: its return value,
     * run time, and the output buffers of {@code attr} as the kernel filled them (cut to the sizes it reports).
     */
    public static TestRun testRun(ProgTestRunAttr attr) {
        Kernel.Result r = call(attr);
        if (r.value() < 0) {
            String hint = switch (r.errno()) {
                case Errno.ENOTSUPP, Errno.EOPNOTSUPP -> "this program type cannot be test-run on this kernel";
                case Errno.EINVAL -> "the kernel refused the input: this program type takes other data or context sizes";
                default -> null;
            };
            throw new BpfException("BPF_PROG_TEST_RUN of program fd " + attr.progFd(), r.errno(), hint, null);
        }
        ByteBuffer after = ByteBuffer.wrap(r.attrAfter()).order(ByteOrder.nativeOrder());
        return new TestRun(after.getInt(ProgTestRunAttr.retvalOffset()), after.getInt(ProgTestRunAttr.durationOffset()),
                filled(r, attr.dataOut(), after.getInt(ProgTestRunAttr.dataSizeOutOffset())),
                filled(r, attr.ctxOut(), after.getInt(ProgTestRunAttr.ctxSizeOutOffset())));
    }

    private static byte[] filled(Kernel.Result r, NativeArg out, int size) {
        if (out == null) {
            return new byte[0];
        }
        return java.util.Arrays.copyOf(r.output(out), Math.min(size, out.size()));
    }

    public static LinkInfo linkInfo(Fd link) {
        return LinkInfo.decode(info(link, LinkInfo.LAYOUT.size()));
    }

    /** The BTF object with this id (learnt from one of our own maps or programs), with its bytes. */
    public static BtfInfo btf(int btfId) {
        Kernel.Result r = call(new GetFdByIdAttr(BpfCommand.BPF_BTF_GET_FD_BY_ID, btfId, 0));
        if (r.value() < 0) {
            throw new BpfException("BPF_BTF_GET_FD_BY_ID " + btfId, r.errno(), null, null);
        }
        try (Fd fd = new Fd((int) r.value(), "btf")) {
            byte[] head = info(fd, BtfInfo.LAYOUT.size());
            int size = new InfoReader(head).u32(BtfInfo.BTF_SIZE);
            NativeArg.Out data = new NativeArg.Out(size);
            NativeArg.Struct st = new NativeArg.Struct(BtfInfo.LAYOUT,
                    out -> out.ptr(BtfInfo.BTF, data).u32(BtfInfo.BTF_SIZE, size));
            return new BtfInfo(btfId, infoInto(fd, st, "BTF " + btfId).output(data));
        }
    }
}
