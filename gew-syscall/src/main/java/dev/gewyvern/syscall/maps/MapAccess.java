package dev.gewyvern.syscall.maps;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.MapBatch;
import dev.gewyvern.syscall.MapInfo;
import dev.gewyvern.syscall.kernel.Cpus;

/**
 * Reads and writes one map through a file descriptor: lookup, update, delete, and walks of its entries
 * (BPF_MAP_LOOKUP_BATCH where the map type has it, else GET_NEXT_KEY and LOOKUP). Values of per-CPU maps
 * are every possible CPU's copy, each padded to 8 bytes, as the kernel hands them over. Writes are refused
 * up front, with the reason, for a frozen map, a map created read-only for user space, and types whose
 * values are not plain bytes. Errors name the map.
 */
public final class MapAccess implements AutoCloseable {
    /** BPF_F_RDONLY: this descriptor may only read the map (the kernel keeps it on the fd, not the map). */
    static final int BPF_F_RDONLY = 1 << 3;
    /** A batch of this many entries at a time (grown when one hash bucket holds more). */
    private static final int BATCH = 256;

    private final Fd fd;
    private final boolean owned;
    private final String name;
    private final MapInfo info;
    private final boolean frozen;
    private final boolean readOnlyFd;

    private MapAccess(Fd fd, boolean owned, String name, MapInfo info, FdInfo fdInfo) {
        this.fd = fd;
        this.owned = owned;
        this.name = name;
        this.info = info;
        this.frozen = fdInfo.frozen();
        this.readOnlyFd = fdInfo.readOnly();
    }

    /** Opens the map pinned at {@code pin} (BPF_OBJ_GET), named {@code name} in errors; closing closes the fd. */
    public static MapAccess open(Path pin, String name) {
        Fd fd = Bpf.get(pin.toString(), "map '" + name + "'");
        try {
            return new MapAccess(fd, true, name, Bpf.mapInfo(fd), FdInfo.of(fd));
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** Access through a descriptor the caller keeps (and closes). */
    public static MapAccess of(Fd fd, String name) {
        return new MapAccess(fd, false, name, Bpf.mapInfo(fd), FdInfo.of(fd));
    }

    /**
     * What /proc/self/fdinfo says of a map's descriptor: whether BPF_MAP_FREEZE was called on the map
     * ("frozen: 1"), and whether the descriptor was opened read-only (the access mode of "flags").
     */
    record FdInfo(boolean frozen, boolean readOnly) {
        static FdInfo of(Fd fd) {
            Path p = Path.of("/proc/self/fdinfo/" + fd.value());
            boolean frozen = false;
            boolean readOnly = false;
            try {
                for (String line : Files.readAllLines(p)) {
                    if (line.startsWith("frozen:")) {
                        frozen = line.substring("frozen:".length()).trim().equals("1");
                    } else if (line.startsWith("flags:")) {
                        readOnly = (Integer.parseInt(line.substring("flags:".length()).trim(), 8) & 3) == 0;
                    }
                }
                return new FdInfo(frozen, readOnly);
            } catch (IOException | NumberFormatException e) {
                throw new BpfException("read " + p, Errno.ENOENT, "cannot tell whether " + fd + " is frozen: " + e, null);
            }
        }
    }

    public String name() {
        return name;
    }

    public Fd fd() {
        return fd;
    }

    public MapInfo info() {
        return info;
    }

    public boolean frozen() {
        return frozen;
    }

    public boolean perCpu() {
        return MapKinds.perCpu(info.mapType());
    }

    /** How many copies a value has: the possible CPUs for a per-CPU map, else 1. */
    public int copies() {
        return perCpu() ? Cpus.possible() : 1;
    }

    /** The bytes one CPU's copy takes in a per-CPU value: value_size rounded up to 8. */
    public int stride() {
        return perCpu() ? (info.valueSize() + 7) & ~7 : info.valueSize();
    }

    /** The bytes a whole value takes as the kernel hands it over (every CPU's copy for a per-CPU map). */
    public int valueBytes() {
        return stride() * copies();
    }

    /** Why this map takes no writes from user space, or null when it does. */
    public String writeRefusal() {
        if (frozen) {
            return "map '" + name + "' is frozen (BPF_MAP_FREEZE): user space can no longer write it";
        }
        if (readOnlyFd) {
            return "map '" + name + "' was opened read-only (BPF_F_RDONLY): this descriptor cannot write it";
        }
        String why = MapKinds.unwritable(info.mapType());
        return why == null ? null : "map '" + name + "' cannot be written here: " + why;
    }

    private void checkKey(byte[] key) {
        if (key.length != info.keySize()) {
            throw new IllegalArgumentException("map '" + name + "' has " + info.keySize() + "-byte keys; this key is "
                    + key.length + " bytes");
        }
    }

    private BpfException named(BpfException e, String what) {
        String hint = switch (e.errno()) {
            case Errno.ENOTSUPP, Errno.EOPNOTSUPP -> "this map type does not let user space " + what + " its entries";
            case Errno.EPERM -> "the kernel refuses it (a frozen or read-only map, or a missing privilege)";
            case Errno.E2BIG -> "the map is full";
            case Errno.EEXIST -> "the key exists already (BPF_NOEXIST)";
            default -> null;
        };
        return new BpfException(e.call().replace(fd.toString(), "map '" + name + "'"), e.errno(), hint, null);
    }

    /** The value under {@code key}, or null when there is none. */
    public byte[] lookup(byte[] key) {
        checkKey(key);
        try {
            return Bpf.lookup(fd, key, valueBytes());
        } catch (BpfException e) {
            throw named(e, "read");
        }
    }

    /**
     * Writes {@code value} under {@code key} (flags: 0 BPF_ANY, 1 BPF_NOEXIST, 2 BPF_EXIST). A per-CPU
     * map takes either every CPU's copy or one value, which is written to every CPU.
     */
    public void update(byte[] key, byte[] value, long flags) {
        String refusal = writeRefusal();
        if (refusal != null) {
            throw new BpfException("BPF_MAP_UPDATE_ELEM on map '" + name + "'", Errno.EPERM, refusal, null);
        }
        checkKey(key);
        byte[] v = value;
        if (perCpu() && value.length == info.valueSize()) {
            v = new byte[valueBytes()];
            for (int c = 0; c < copies(); c++) {
                System.arraycopy(value, 0, v, c * stride(), value.length);
            }
        }
        if (v.length != valueBytes()) {
            throw new IllegalArgumentException("map '" + name + "' has " + info.valueSize() + "-byte values"
                    + (perCpu() ? " (" + valueBytes() + " bytes for all " + copies() + " CPUs)" : "") + "; this value is "
                    + value.length + " bytes");
        }
        try {
            Bpf.update(fd, key, v, flags);
        } catch (BpfException e) {
            throw named(e, "write");
        }
    }

    /** Deletes the entry under {@code key}; false when there was none. */
    public boolean delete(byte[] key) {
        String refusal = writeRefusal();
        if (refusal != null) {
            throw new BpfException("BPF_MAP_DELETE_ELEM on map '" + name + "'", Errno.EPERM, refusal, null);
        }
        if (MapKinds.array(info.mapType())) {
            throw new BpfException("BPF_MAP_DELETE_ELEM on map '" + name + "'", Errno.EINVAL,
                    "an array's entries always exist; write a zero value instead", null);
        }
        checkKey(key);
        try {
            return Bpf.delete(fd, key);
        } catch (BpfException e) {
            throw named(e, "delete");
        }
    }

    /**
     * Up to {@code count} entries after {@code token} (null: from the first; otherwise the {@link MapPage#next}
     * of the page before).
     */
    public MapPage page(byte[] token, int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("a page holds at least one entry");
        }
        try {
            if (MapKinds.batched(info.mapType())) {
                return batchPage(token, count);
            }
            return keyPage(token, count);
        } catch (BpfException e) {
            throw named(e, "list");
        }
    }

    private MapPage batchPage(byte[] token, int count) {
        int tokenSize = Math.max(info.keySize(), MapKinds.hashed(info.mapType()) ? 4 : 0);
        int want = count;
        List<MapEntryBytes> out = new ArrayList<>();
        while (true) {
            MapBatch b;
            try {
                b = Bpf.lookupBatch(fd, token, tokenSize, Math.max(want, 1), info.keySize(), valueBytes());
            } catch (BpfException e) {
                if (e.errno() == Errno.ENOSPC && want < (1 << 20)) {
                    want *= 2; // one hash bucket holds more entries than we asked for: ask for more
                    continue;
                }
                throw e;
            }
            for (int i = 0; i < b.count(); i++) {
                out.add(new MapEntryBytes(java.util.Arrays.copyOfRange(b.keys(), i * info.keySize(),
                        (i + 1) * info.keySize()), java.util.Arrays.copyOfRange(b.values(), i * valueBytes(),
                        (i + 1) * valueBytes())));
            }
            return new MapPage(out, b.done() ? null : b.next(), true);
        }
    }

    private MapPage keyPage(byte[] token, int count) {
        List<MapEntryBytes> out = new ArrayList<>();
        byte[] key = token;
        while (out.size() < count) {
            byte[] next = Bpf.nextKey(fd, key, info.keySize());
            if (next == null) {
                return new MapPage(out, null, false);
            }
            byte[] value = Bpf.lookup(fd, next, valueBytes());
            if (value != null) { // deleted between the two calls: it is simply gone
                out.add(new MapEntryBytes(next, value));
            }
            key = next;
        }
        return new MapPage(out, key, false);
    }

    /** Every entry, in the kernel's order, through as many pages as it takes. */
    public List<MapEntryBytes> entries() {
        List<MapEntryBytes> all = new ArrayList<>();
        byte[] token = null;
        long bound = Integer.toUnsignedLong(info.maxEntries()) + BATCH;
        while (all.size() <= bound) {
            MapPage p = page(token, BATCH);
            all.addAll(p.entries());
            if (p.done()) {
                break;
            }
            token = p.next();
        }
        return all;
    }

    @Override
    public void close() {
        if (owned) {
            fd.close();
        }
    }
}
