package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.proto.v1.Phase;
import dev.gewyvern.proto.v1.PinnedObject;
import dev.gewyvern.proto.v1.ProgramDetail;
import dev.gewyvern.proto.v1.SessionDetail;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.proto.v1.Verification;
import org.junit.jupiter.api.Test;

/** --output json: proto field names, defaults printed, enums by name, 64-bit integers and whole values as numbers. */
class ReportJsonTest {
    private static SessionDetail detail() {
        return SessionDetail.newBuilder()
                .setRecord(SessionRecord.newBuilder().setSessionId("s1").setInstanceId("i1").setPhase(Phase.COMMITTED)
                        .setCreatedUnixMs(1764777252000L).setUpdatedUnixMs(1764777252123L)
                        .addObjects(PinnedObject.newBuilder().setKind(PinnedObject.Kind.PROGRAM).setName("count_execs")
                                .setKernelId(12).setVerification(Verification.newBuilder().setProcessedInsns(35)
                                        .setVerifierTimeUs(-1).setLoadCallNs(812345))))
                .addPrograms(ProgramDetail.newBuilder().setName("count_execs").setType("tracepoint").setId(12)
                        .setTag("0123456789abcdef").addMapIds(3).addMapIds(4)
                        .setRunCount(-1L).setRunTimeNs(Long.MAX_VALUE))
                .addMaps(MapContents.newBuilder().setName("counts").setType("hash").setTotalEntries(3))
                .build();
    }

    @Test
    void aReportPrintsWithProtoNamesEveryFieldAndTypedNumbers() {
        String json = ReportJson.of(detail());
        Golden.check("report-session-detail.json", json);
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        JsonObject p = o.getAsJsonArray("programs").get(0).getAsJsonObject();
        // uint64 all ones is 2^64-1, a JSON number, not JsonFormat's string
        assertEquals("18446744073709551615", p.get("run_count").getAsJsonPrimitive().getAsBigInteger().toString());
        assertTrue(p.get("run_time_ns").getAsJsonPrimitive().isNumber());
        assertTrue(o.getAsJsonObject("record").get("created_unix_ms").getAsJsonPrimitive().isNumber());
        // a field at its default is printed, and an enum by its name
        assertEquals(0, p.get("btf_id").getAsInt());
        assertEquals("COMMITTED", o.getAsJsonObject("record").get("phase").getAsString());
        assertTrue(json.endsWith("}\n"));
    }

    @Test
    void wholeNumbersOfValuesPrintWithoutAFraction() {
        Value v = Value.newBuilder().setStructValue(Struct.newBuilder()
                .putFields("pid", Value.newBuilder().setNumberValue(4242).build())
                .putFields("ratio", Value.newBuilder().setNumberValue(0.5).build())
                .putFields("big", Value.newBuilder().setNumberValue(1e300).build())
                .putFields("comm", Value.newBuilder().setStringValue("bash").build())
                .putFields("ok", Value.newBuilder().setBoolValue(true).build())
                .putFields("list", Value.newBuilder().setListValue(ListValue.newBuilder()
                        .addValues(Value.newBuilder().setNumberValue(-3))).build()))
                .build();
        JsonObject o = JsonParser.parseString(ReportJson.of(v)).getAsJsonObject();
        assertEquals("4242", o.get("pid").toString());
        assertEquals("0.5", o.get("ratio").toString());
        assertEquals("1.0E300", o.get("big").toString());
        assertEquals("\"bash\"", o.get("comm").toString());
        assertEquals("true", o.get("ok").toString());
        assertEquals("[-3]", o.get("list").toString());
    }
}
