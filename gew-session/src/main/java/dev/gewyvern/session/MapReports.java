package dev.gewyvern.session;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

import com.google.protobuf.ByteString;
import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.proto.v1.MapEntry;
import dev.gewyvern.proto.v1.RingPositions;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.kernel.KernelTypes;
import dev.gewyvern.syscall.MapInfo;
import dev.gewyvern.syscall.events.RingBufferReader;
import dev.gewyvern.syscall.maps.MapAccess;
import dev.gewyvern.syscall.maps.MapEntryBytes;
import dev.gewyvern.syscall.maps.MapKinds;
import dev.gewyvern.syscall.maps.MapPage;
import dev.gewyvern.syscall.maps.PerfEventSlots;

/**
 * A map as a report ({@link MapContents}): what the kernel says of it, then what user space can see of it
 * by its type: entries typed by BTF for maps with keys; which slots hold an event for a perf event array;
 * size and positions for a ring buffer; program or map ids for maps of programs and maps. A read the kernel
 * refuses is written into the report as its read_error, never thrown: one unreadable map does not hide
 * the others.
 */
final class MapReports {
    private MapReports() {
    }

    static String typeName(int type) {
        return KernelTypes.text(MapType.class, type);
    }

    /** What the kernel says of the map, without entries. */
    static MapContents.Builder header(String name, MapAccess m, MapTypes t) {
        MapInfo info = m.info();
        String refusal = m.writeRefusal();
        return MapContents.newBuilder().setName(name).setType(typeName(info.type())).setId(info.id())
                .setKeyType(t.keyTypeName()).setValueType(t.valueTypeName()).setMaxEntries(info.maxEntries())
                .setKeySize(info.keySize()).setValueSize(info.valueSize()).setFlags(info.flags())
                .setBtfId(info.btfId()).setFrozen(m.frozen()).setPerCpu(m.perCpu())
                .setWriteRefusal(refusal == null ? "" : refusal);
    }

    /**
     * The map with at most {@code limit} of its entries (in the kernel's order) and how many it holds, or
     * what its type shows instead of entries.
     */
    static MapContents describe(String name, MapAccess m, MapTypes t, int limit) {
        MapContents.Builder b = header(name, m, t);
        MapType type = m.info().mapType();
        try {
            if (type == MapType.RINGBUF || type == MapType.USER_RINGBUF) {
                RingBufferReader.Positions p = RingBufferReader.positions(m.fd(), m.info().maxEntries());
                return b.setRing(RingPositions.newBuilder().setSize(p.size()).setConsumer(p.consumer())
                        .setProducer(p.producer())).build();
            }
            if (type == MapType.PERF_EVENT_ARRAY) {
                BitSet slots = PerfEventSlots.occupied(m.fd(), m.info().maxEntries());
                slots.stream().forEach(b::addPerfEventCpus);
                return b.setTotalEntries(slots.cardinality()).build();
            }
            if (type == MapType.CGROUP_ARRAY || type == MapType.BLOOM_FILTER || type == MapType.QUEUE
                    || type == MapType.STACK) {
                return b.setReadError(unlistable(type)).build();
            }
            long total = 0;
            byte[] token = null;
            long bound = Integer.toUnsignedLong(m.info().maxEntries()) + 1;
            while (total <= bound) {
                MapPage page = m.page(token, 256);
                for (MapEntryBytes e : page.entries()) {
                    if (b.getEntriesCount() < limit) {
                        b.addEntries(entry(m, t, e.key(), e.value()));
                    }
                    total++;
                }
                if (page.done()) {
                    break;
                }
                token = page.next();
            }
            return b.setTotalEntries(total).build();
        } catch (BpfException | SessionException | dev.gewyvern.btf.BtfException e) {
            return b.setReadError(e.getMessage()).build();
        }
    }

    private static String unlistable(MapType type) {
        return switch (type) {
            case CGROUP_ARRAY -> "user space cannot read a cgroup array's slots (the kernel answers ENOTSUPP)";
            case BLOOM_FILTER -> "a bloom filter has no keys to list; it answers only whether it may hold a value";
            default -> "a queue or stack has no keys to list; its entries are taken off in order";
        };
    }

    /** A page of entries after {@code token}, and the token of the next page (empty after the last). */
    static MapContents page(String name, MapAccess m, MapTypes t, byte[] token, int count) {
        MapContents.Builder b = header(name, m, t);
        String why = MapKinds.unwritable(m.info().mapType()) != null && MapKinds.idKind(m.info().mapType()) == null
                ? "map '" + name + "' has no entries to page through: " + MapKinds.unwritable(m.info().mapType()) : null;
        if (why != null) {
            throw SessionException.unsupported(Step.MAP, why);
        }
        MapPage page = m.page(token, count);
        for (MapEntryBytes e : page.entries()) {
            b.addEntries(entry(m, t, e.key(), e.value()));
        }
        if (!page.done()) {
            b.setNextToken(ByteString.copyFrom(page.next()));
        }
        return b.setTotalEntries(page.entries().size()).build();
    }

    /** The entry under {@code key}; no entries when there is none. */
    static MapContents lookup(String name, MapAccess m, MapTypes t, byte[] key) {
        MapContents.Builder b = header(name, m, t);
        byte[] value = m.lookup(key);
        if (value != null) {
            b.addEntries(entry(m, t, key, value));
        }
        return b.setTotalEntries(value == null ? 0 : 1).build();
    }

    static MapEntry entry(MapAccess m, MapTypes t, byte[] key, byte[] value) {
        MapEntry.Builder e = MapEntry.newBuilder().setKeyText(t.keyText(key)).setKey(JsonValues.of(t.keyJson(key)))
                .setKeyRaw(ByteString.copyFrom(key)).setValueRaw(ByteString.copyFrom(value));
        String ids = MapKinds.idKind(m.info().mapType());
        if (ids != null && value.length >= 4) {
            long id = Integer.toUnsignedLong(ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getInt(0));
            return e.setValueText(ids + " id " + id).setValue(JsonValues.of(Long.toString(id))).setUnsignedValue(id)
                    .build();
        }
        boolean[] signed = new boolean[1];
        if (!m.perCpu()) {
            Long n = t.integer(value, signed);
            if (n != null) {
                number(e, n, signed[0]);
            }
            return e.setValueText(t.valueText(value)).setValue(JsonValues.of(t.valueJson(value))).build();
        }
        StringBuilder text = new StringBuilder("{");
        StringBuilder json = new StringBuilder("[");
        long sum = 0;
        boolean numeric = true;
        for (int c = 0; c < m.copies(); c++) {
            byte[] one = Arrays.copyOfRange(value, c * m.stride(), c * m.stride() + m.info().valueSize());
            String v = t.valueText(one);
            e.addCpuValuesText(v);
            text.append(c == 0 ? "" : ", ").append("cpu").append(c).append('=').append(v);
            json.append(c == 0 ? "" : ",").append(t.valueJson(one));
            Long n = t.integer(one, signed);
            if (n == null) {
                numeric = false;
            } else {
                sum += n;
            }
        }
        if (numeric) {
            number(e, sum, signed[0]);
        }
        return e.setValueText(text.append('}').toString()).setValue(JsonValues.of(json.append(']').toString())).build();
    }

    private static void number(MapEntry.Builder e, long v, boolean signed) {
        if (signed) {
            e.setSignedValue(v);
        } else {
            e.setUnsignedValue(v);
        }
    }

    /** The names, in order, a list of entries holds: for messages that list what is there. */
    static String names(List<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}
