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
    static final int BPF_MAP_TYPE_PERF_EVENT_ARRAY = 4;
    private static final Path POSSIBLE_CPUS = Path.of("/sys/devices/system/cpu/possible");

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

    /** The map with the Pipeline's sizes applied and libbpf's defaults filled in; refuses a map left unsized. */
    static BpfMap sized(dev.gewyvern.proto.v1.BpfObject o, BpfMap m) {
        int maxEntries = m.maxEntries();
        int valueSize = m.valueSize();
        int keySize = m.keySize();
        for (MapSize s : o.getMapSizesList()) {
            if (s.getMap().equals(m.name())) {
                maxEntries = s.getMaxEntries() != 0 ? s.getMaxEntries() : maxEntries;
                valueSize = s.getValueSize() != 0 ? s.getValueSize() : valueSize;
            }
        }
        if (m.type() == BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
            keySize = keySize == 0 ? 4 : keySize;
            valueSize = valueSize == 0 ? 4 : valueSize;
            maxEntries = maxEntries == 0 ? possibleCpus() : maxEntries;
        }
        if (maxEntries == 0 || valueSize == 0 && !valueless(m.type())) {
            throw SessionException.invalid(Step.STAGE, "object '" + o.getId() + "': map '" + m.name() + "' has "
                    + (maxEntries == 0 ? "max_entries" : "value_size") + " 0 in the object; give it in the pipeline: "
                    + "objects { id: \"" + o.getId() + "\" map_sizes { map: \"" + m.name() + "\" "
                    + (maxEntries == 0 ? "max_entries" : "value_size") + ": N } }");
        }
        return m.withSizes(keySize, valueSize, maxEntries);
    }

    /** Map types whose value size is legitimately 0 (ring buffers, bloom filters keep it; others need one). */
    private static boolean valueless(int type) {
        return type == MapType.RINGBUF.value() || type == MapType.USER_RINGBUF.value();
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

    /** The number of possible CPUs (/sys/devices/system/cpu/possible, e.g. "0-7"), as libbpf counts them. */
    static int possibleCpus() {
        String text;
        try {
            text = Files.readString(POSSIBLE_CPUS).trim();
        } catch (IOException e) {
            throw SessionException.system(Step.STAGE, "cannot read " + POSSIBLE_CPUS + " to size a PERF_EVENT_ARRAY: " + IoErrors.reason(e)
                    + "; give the map's max_entries in the pipeline");
        }
        int max = -1;
        for (String part : text.split(",")) {
            String[] r = part.split("-");
            try {
                max = Math.max(max, Integer.parseInt(r[r.length - 1].trim()));
            } catch (NumberFormatException e) {
                throw SessionException.system(Step.STAGE, POSSIBLE_CPUS + " reads '" + text + "', not a CPU list");
            }
        }
        return max + 1;
    }
}
