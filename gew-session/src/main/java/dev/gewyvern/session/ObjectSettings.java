package dev.gewyvern.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.gewyvern.elf.BpfMap;
import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.elf.ElfException;
import dev.gewyvern.elf.VariableValue;
import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.proto.v1.GlobalValue;
import dev.gewyvern.proto.v1.MapSize;

/**
 * What a Pipeline's BpfObject says about an object before it is loaded: values of global variables
 * by name and map sizes. Every name is checked against the object; a mistake is a stage error that
 * names the object, the variable or map, and what would be accepted.
 */
final class ObjectSettings {
    private ObjectSettings() {
    }

    /** Each global data section's bytes with the Pipeline's values written into it. */
    static Map<String, byte[]> globalData(dev.gewyvern.proto.v1.BpfObject o, BpfObject obj) {
        Map<String, VariableValue> values = new LinkedHashMap<>();
        for (GlobalValue g : o.getGlobalsList()) {
            VariableValue v;
            switch (g.getValueCase()) {
                case INTEGER: v = new VariableValue.Integer(g.getInteger()); break;
                case BOOLEAN: v = new VariableValue.Bool(g.getBoolean()); break;
                case TEXT: v = new VariableValue.Text(g.getText()); break;
                case RAW: v = new VariableValue.Raw(g.getRaw().toByteArray()); break;
                default:
                    throw SessionException.invalid(Step.STAGE, "object '" + o.getId() + "': global '" + g.getName()
                            + "' has no value (give integer, boolean, text or raw)");
            }
            if (values.put(g.getName(), v) != null) {
                throw SessionException.invalid(Step.STAGE, "object '" + o.getId() + "': global '" + g.getName()
                        + "' is given twice");
            }
        }
        try {
            return obj.globalDataValues(values);
        } catch (ElfException e) {
            throw SessionException.invalid(Step.STAGE, "object '" + o.getId() + "': " + e.getMessage());
        }
    }

    /** As {@link #sized(dev.gewyvern.proto.v1.BpfObject, BpfMap, java.util.function.Consumer)}, telling nothing. */
    static BpfMap sized(dev.gewyvern.proto.v1.BpfObject o, BpfMap m) {
        return sized(o, m, note -> { });
    }

    /**
     * The map with the Pipeline's sizes applied and the kernel's sizing rules per map type applied as
     * libbpf applies them: a PERF_EVENT_ARRAY left at 0 entries gets one per possible CPU; a ring
     * buffer's size is rounded up to a power-of-2 multiple of the page size (said through {@code note});
     * local and cgroup storage take max_entries 0 (the kernel sizes them per owner). A map left unsized
     * is refused, naming the flag and the Pipeline field that size it.
     */
    static BpfMap sized(dev.gewyvern.proto.v1.BpfObject o, BpfMap m, java.util.function.Consumer<String> note) {
        Sized s = size(o, m, note);
        if (s.unsized() != null) {
            throw SessionException.invalid(Step.STAGE, s.unsized().message());
        }
        return s.map();
    }

    /** A map sized, or what it lacks: the error, and the flag and Pipeline field that would size it. */
    private record Sized(BpfMap map, Unsized unsized) {}

    private record Unsized(String message, String flag, String field) {}

    private static Sized size(dev.gewyvern.proto.v1.BpfObject o, BpfMap m, java.util.function.Consumer<String> note) {
        int maxEntries = m.maxEntries();
        int valueSize = m.valueSize();
        int keySize = m.keySize();
        boolean pipelineEntries = false;
        for (MapSize s : o.getMapSizesList()) {
            if (s.getMap().equals(m.name())) {
                pipelineEntries |= s.getMaxEntries() != 0;
                maxEntries = s.getMaxEntries() != 0 ? s.getMaxEntries() : maxEntries;
                valueSize = s.getValueSize() != 0 ? s.getValueSize() : valueSize;
            }
        }
        if (m.type() == MapType.PERF_EVENT_ARRAY.value()) {
            keySize = keySize == 0 ? 4 : keySize;
            valueSize = valueSize == 0 ? 4 : valueSize;
            maxEntries = maxEntries == 0 ? possibleCpus() : maxEntries;
        }
        if (MapType.of(m.type()).map(OWNER_SIZED::contains).orElse(false)) {
            if (maxEntries != 0) {
                throw SessionException.invalid(Step.STAGE, where(o, m) + " has max_entries " + Integer.toUnsignedString(maxEntries)
                        + (pipelineEntries ? " from the pipeline" : " in the object") + "; the kernel keeps one value "
                        + "per " + owner(m.type()) + " and takes only max_entries 0 for this map type"
                        + (pipelineEntries ? ": leave it out of map_sizes / --map-size" : ": rebuild the object "
                        + "without __uint(max_entries, ...)"));
            }
            return new Sized(m.withSizes(keySize, valueSize, 0), null);
        }
        if (is(m.type(), MapType.RINGBUF, MapType.USER_RINGBUF)) {
            int page = pageSize();
            long rounded = ringSize(Integer.toUnsignedLong(maxEntries), page);
            if (rounded != Integer.toUnsignedLong(maxEntries)) {
                note.accept("map " + m.name() + ": ring buffer of " + Integer.toUnsignedString(maxEntries) + " bytes "
                        + "rounded up to " + rounded + " (the kernel takes a power-of-2 multiple of the " + page
                        + "-byte page), as libbpf does");
                maxEntries = (int) rounded;
            }
        }
        if (maxEntries == 0 || valueSize == 0 && !valueless(m.type())) {
            String field = maxEntries == 0 ? "max_entries" : "value_size";
            String flag = maxEntries == 0 ? m.name() + "=ENTRIES" : m.name() + "=ENTRIES:VALUE_SIZE";
            return new Sized(null, new Unsized(where(o, m) + " has " + field + " 0 in the object (it is sized at run "
                    + "time); give it on the command line with --map-size " + flag + ", or in the pipeline: "
                    + "objects { id: \"" + o.getId() + "\" map_sizes { map: \"" + m.name() + "\" " + field + ": N } }",
                    "--map-size " + flag, "map_sizes { map: \"" + m.name() + "\" " + field + ": N }"));
        }
        return new Sized(m.withSizes(keySize, valueSize, maxEntries), null);
    }

    /**
     * Every map of the object sized as {@link #sized(dev.gewyvern.proto.v1.BpfObject, BpfMap,
     * java.util.function.Consumer)} sizes it, decided before any is created; when several are left unsized
     * one error names them all, with every flag to give.
     */
    static java.util.List<BpfMap> sizedAll(dev.gewyvern.proto.v1.BpfObject o, BpfObject obj,
                                           java.util.function.Consumer<String> note) {
        java.util.List<BpfMap> out = new java.util.ArrayList<>();
        java.util.List<Unsized> unsized = new java.util.ArrayList<>();
        for (BpfMap m : obj.maps()) {
            Sized s = size(o, m, note);
            if (s.unsized() != null) {
                unsized.add(s.unsized());
            } else {
                out.add(s.map());
            }
        }
        if (unsized.size() == 1) {
            throw SessionException.invalid(Step.STAGE, unsized.get(0).message());
        }
        if (!unsized.isEmpty()) {
            throw SessionException.invalid(Step.STAGE, "object '" + o.getId() + "' leaves " + unsized.size() + " maps to be "
                    + "sized at run time; give them on the command line with "
                    + String.join(" ", unsized.stream().map(Unsized::flag).toList()) + ", or in the pipeline: objects { id: \""
                    + o.getId() + "\" " + String.join(" ", unsized.stream().map(Unsized::field).toList()) + " }");
        }
        return out;
    }

    /** Map types the kernel sizes per owner (socket, inode, task, cgroup): max_entries must be 0. */
    static final Set<MapType> OWNER_SIZED = Set.of(MapType.CGROUP_STORAGE, MapType.PERCPU_CGROUP_STORAGE,
            MapType.SK_STORAGE, MapType.INODE_STORAGE, MapType.TASK_STORAGE, MapType.CGRP_STORAGE);

    private static boolean is(int type, MapType... types) {
        for (MapType t : types) {
            if (t.value() == type) {
                return true;
            }
        }
        return false;
    }

    private static String owner(int type) {
        return is(type, MapType.SK_STORAGE) ? "socket" : is(type, MapType.INODE_STORAGE) ? "inode"
                : is(type, MapType.TASK_STORAGE) ? "task" : "cgroup";
    }

    private static String where(dev.gewyvern.proto.v1.BpfObject o, BpfMap m) {
        return "object '" + o.getId() + "': map '" + m.name() + "' ("
                + dev.gewyvern.syscall.kernel.KernelTypes.nameOf("bpf_map_type", "BPF_MAP_TYPE_", m.type()) + ")";
    }

    /**
     * libbpf's ring buffer size: 0 stays 0 (refused as unsized), a power-of-2 multiple of the page size
     * stays, anything else becomes the smallest such multiple above it (kept when none fits in u32).
     */
    static long ringSize(long size, int page) {
        if (size == 0 || size % page == 0 && Long.bitCount(size / page) == 1) {
            return size;
        }
        for (long mul = 1; mul * page <= 0xffff_ffffL; mul <<= 1) {
            if (mul * page > size) {
                return mul * page;
            }
        }
        return size;
    }

    /** Map types whose value size is legitimately 0: ring buffers and arenas. */
    private static boolean valueless(int type) {
        return is(type, MapType.RINGBUF, MapType.USER_RINGBUF, MapType.ARENA);
    }

    private static volatile int pageSize;

    /** The page size, from the auxiliary vector the kernel gave this process (AT_PAGESZ). */
    static int pageSize() {
        int p = pageSize;
        if (p == 0) {
            try {
                java.nio.ByteBuffer auxv = java.nio.ByteBuffer.wrap(Files.readAllBytes(Path.of("/proc/self/auxv")))
                        .order(java.nio.ByteOrder.nativeOrder());
                while (auxv.remaining() >= 16 && p == 0) {
                    long type = auxv.getLong();
                    long value = auxv.getLong();
                    if (type == 6) { // AT_PAGESZ
                        p = (int) value;
                    }
                }
            } catch (IOException e) {
                throw SessionException.system(Step.STAGE, "cannot read /proc/self/auxv for the page size a ring buffer "
                        + "is sized in: " + e.getMessage());
            }
            if (p <= 0) {
                throw SessionException.system(Step.STAGE, "/proc/self/auxv has no AT_PAGESZ entry");
            }
            pageSize = p;
        }
        return p;
    }

    /** Checks that every map the Pipeline sizes exists in the object. */
    static void checkMapNames(dev.gewyvern.proto.v1.BpfObject o, BpfObject obj) {
        Set<String> names = new HashSet<>();
        obj.maps().forEach(m -> names.add(m.name()));
        for (MapSize s : o.getMapSizesList()) {
            if (!names.contains(s.getMap())) {
                throw SessionException.invalid(Step.STAGE, "object '" + o.getId() + "' has no map '" + s.getMap()
                        + "' to size; its maps: " + (names.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(names))));
            }
        }
        for (dev.gewyvern.proto.v1.MapValues v : o.getMapValuesList()) {
            if (!names.contains(v.getMap())) {
                throw SessionException.invalid(Step.STAGE, "object '" + o.getId() + "' has no map '" + v.getMap()
                        + "' to fill; its maps: " + (names.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(names))));
            }
        }
    }

    /** Writes the Pipeline's initial entries into a created map, each checked against its key and value size. */
    static void fill(dev.gewyvern.proto.v1.BpfObject o, BpfMap m, dev.gewyvern.syscall.Fd fd) {
        for (dev.gewyvern.proto.v1.MapValues v : o.getMapValuesList()) {
            if (!v.getMap().equals(m.name())) {
                continue;
            }
            for (int i = 0; i < v.getEntriesCount(); i++) {
                var e = v.getEntries(i);
                String field = "objects['" + o.getId() + "'].map_values['" + m.name() + "'].entries[" + i + "]";
                if (e.getKey().size() != m.keySize() || e.getValue().size() != m.valueSize()) {
                    throw SessionException.invalid(Step.STAGE, field + ": key is " + e.getKey().size() + " bytes and value "
                            + e.getValue().size() + "; map '" + m.name() + "' takes " + m.keySize() + "-byte keys and "
                            + m.valueSize() + "-byte values");
                }
                try {
                    dev.gewyvern.syscall.Bpf.update(fd, e.getKey().toByteArray(), e.getValue().toByteArray(), 0);
                } catch (dev.gewyvern.syscall.BpfException x) {
                    throw SessionException.invalid(Step.STAGE, field + ": " + x.getMessage(), x);
                }
            }
        }
    }

    /** The number of possible CPUs (the highest of /sys/devices/system/cpu/possible, plus one), as libbpf counts them. */
    static int possibleCpus() {
        try {
            return dev.gewyvern.syscall.kernel.Cpus.possible();
        } catch (dev.gewyvern.syscall.BpfException e) {
            throw SessionException.system(Step.STAGE, "cannot size a PERF_EVENT_ARRAY by the possible CPUs: " + e.getMessage()
                    + "; give the map's max_entries (--map-size NAME=ENTRIES, or map_sizes in the pipeline)");
        }
    }
}
