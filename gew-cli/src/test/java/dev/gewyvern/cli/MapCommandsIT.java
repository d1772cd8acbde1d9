package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.proto.v1.MapList;
import org.junit.jupiter.api.Test;

/**
 * `gew map` on a held session of testdata's events object: keys and values written and read back as JSON
 * typed by BTF (a number, a char[16] string, a struct), batch dumps as JSON (read back with JsonFormat), per-CPU values one per CPU, a
 * frozen .rodata refused with its reason, a ring buffer described rather than looked up, and a map the
 * session does not have named with the ones it has (exit 4).
 */
class MapCommandsIT {
    private static final Pattern LIVE = Pattern.compile("session (\\S+) is live");

    private static <B extends Message.Builder> B parse(String json, B into) throws Exception {
        JsonFormat.parser().merge(json, into);
        return into;
    }

    private static MapContents map(MapList list, String name) {
        return list.getMapsList().stream().filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
    }

    private static Gew.Result ok(String... args) throws Exception {
        Gew.Result r = Gew.run(args);
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    @Test
    void writesAndReadsEveryKindOfMapTypedByBtf() throws Exception {
        Gew.requireBpf();
        try (Gew.Running holder = new Gew.Running("session", "apply", "--name", "mapsit", "--object",
                "testdata/obj/events.bpf.o", "--load-only")) {
            Matcher live = LIVE.matcher(holder.awaitLine("is live"));
            assertTrue(live.find());
            String id = live.group(1);
            try {
                MapList list = parse(ok("map", "list", id, "-o", "json").out(), MapList.newBuilder()).build();
                MapContents byName = map(list, "by_name");
                assertEquals(List.of("hash", "char[16]", "struct version", 0L, 128), List.of(byName.getType(),
                        byName.getKeyType(), byName.getValueType(), byName.getTotalEntries(), byName.getMaxEntries()));
                assertTrue(map(list, "events_rodata").getFrozen(), list.toString());
                assertTrue(ok("map", "list", id).out().lines().anyMatch(l -> l.matches("by_name\\s+hash\\s+char\\[16\\]"
                        + "\\s+struct version\\s+" + byName.getId() + "\\s+0/128\\s+.*")), "the same in the table");

                ok("map", "update", id, "totals", "--key", "7", "--value", "41");
                assertEquals("41", ok("map", "lookup", id, "totals", "--key", "7").out().trim());
                ok("map", "update", id, "by_name", "--key", "\"bash\"", "--value", "{\"major\":1,\"minor\":2}");
                assertEquals("{major=1, minor=2}", ok("map", "lookup", id, "by_name", "--key", "\"bash\"").out().trim());
                Gew.Result exists = Gew.run("map", "update", id, "by_name", "--key", "\"bash\"", "--value",
                        "{\"major\":3}", "--mode", "noexist");
                assertEquals(1, exists.exit(), exists.toString());
                assertTrue(exists.err().contains("by_name"), exists.toString());

                MapContents dump = parse(ok("map", "dump", id, "by_name", "-o", "json").out(), MapContents.newBuilder())
                        .build();
                assertEquals("struct version", dump.getValueType());
                assertEquals(1, dump.getTotalEntries());
                assertEquals(1, dump.getEntriesCount(), dump.toString());
                assertEquals("bash", dump.getEntries(0).getKey().getStringValue());
                assertEquals(2, dump.getEntries(0).getValue().getStructValue().getFieldsOrThrow("minor").getNumberValue());

                MapContents perCpu = parse(ok("map", "dump", id, "rb_dropped", "-o", "json").out(), MapContents.newBuilder())
                        .build();
                assertTrue(perCpu.getPerCpu(), perCpu.toString());
                assertTrue(perCpu.getEntries(0).getValue().getListValue().getValuesCount()
                        >= Runtime.getRuntime().availableProcessors(), "one value per possible CPU: " + perCpu);
                ok("map", "update", id, "rb_dropped", "--key", "0", "--value", "5");
                MapContents after = parse(ok("map", "dump", id, "rb_dropped", "-o", "json").out(), MapContents.newBuilder())
                        .build();
                after.getEntries(0).getValue().getListValue().getValuesList()
                        .forEach(v -> assertEquals(5, v.getNumberValue(), after.toString()));

                ok("map", "delete", id, "totals", "--key", "7");
                Gew.Result gone = Gew.run("map", "lookup", id, "totals", "--key", "7");
                assertEquals(4, gone.exit(), gone.toString());
                assertTrue(gone.err().contains("no entry under 7"), gone.toString());

                Gew.Result frozen = Gew.run("map", "update", id, "events_rodata", "--key", "0", "--value", "hex:00000000");
                assertEquals(3, frozen.exit(), frozen.toString());
                assertTrue(frozen.err().contains("frozen"), frozen.toString());

                MapContents ring = parse(ok("map", "show", id, "rb", "-o", "json").out(), MapContents.newBuilder()).build();
                assertEquals(262144, ring.getRing().getSize(), ring.toString());
                assertEquals(ring.getRing().getProducer(), ring.getRing().getConsumer(), "nothing pending: " + ring);
                assertTrue(!ring.getWriteRefusal().isEmpty(), ring.toString());

                Gew.Result none = Gew.run("map", "dump", id, "nosuch");
                assertEquals(4, none.exit(), none.toString());
                assertTrue(none.err().contains("its maps: by_name, commands, events_rodata"), none.toString());
                assertTrue(!none.err().contains("\tat "), none.toString());
            } finally {
                Gew.run("session", "detach", id);
            }
        }
    }
}
