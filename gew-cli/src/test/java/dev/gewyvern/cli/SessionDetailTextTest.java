package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.Cgroup;
import dev.gewyvern.proto.v1.LinkDetail;
import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.proto.v1.MapEntry;
import dev.gewyvern.proto.v1.Phase;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.ProgramDetail;
import dev.gewyvern.proto.v1.RingPositions;
import dev.gewyvern.proto.v1.SessionDetail;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.proto.v1.Tracepoint;
import dev.gewyvern.proto.v1.Verification;
import org.junit.jupiter.api.Test;

/**
 * `gew session show` as text (golden): the head, a program table with a line of costs under each row, links,
 * the map table (a hash, a ring buffer, a perf event array without a reader, a map that cannot be read), and
 * the entries of the hash largest first; no line over 120 columns or ending in a space.
 */
class SessionDetailTextTest {
    private static final long UPDATED = 1764777252123L;
    private static final long LOADED = 1764777251000L;

    private static SessionDetail detail() {
        String cgroup = "/sys/fs/cgroup/a-cgroup-with-a-rather-long-name/and-a-child-folder-under-it";
        Pipeline pipeline = Pipeline.newBuilder()
                .addPrograms(Program.newBuilder().setName("count_execs").setAttach(AttachTarget.newBuilder()
                        .setTracepoint(Tracepoint.newBuilder().setCategory("syscalls").setName("sys_enter_execve"))))
                .addPrograms(Program.newBuilder().setName("count_sock_create").setAttach(AttachTarget.newBuilder()
                        .setCgroup(Cgroup.newBuilder().setPath(cgroup))))
                .build();
        return SessionDetail.newBuilder()
                .setRecord(SessionRecord.newBuilder().setSessionId("execcount-gkjts2wj5sr4harsj5blqtzswf")
                        .setInstanceId("ivehqo4ukj7rnomjt66n3yoxjg6").setPhase(Phase.COMMITTED)
                        .setUpdatedUnixMs(UPDATED).setPipeline(pipeline))
                .setPinPath("/sys/fs/bpf/gewyvern/instances/ivehqo4ukj7rnomjt66n3yoxjg6/sessions/"
                        + "execcount-gkjts2wj5sr4harsj5blqtzswf")
                .setOwnerPid(5184).setOwnerRunning(true)
                .addPrograms(ProgramDetail.newBuilder().setName("count_execs").setType("tracepoint").setId(1200508)
                        .setTag("7109766163da5178").setVerifiedInsns(35).setXlatedBytes(296).setJitedBytes(185)
                        .setLoadedAtUnixMs(LOADED).setBtfId(542402).addMapIds(1587024)
                        .setVerification(Verification.newBuilder().setProcessedInsns(35).setVerifierTimeUs(-1)
                                .setLoadCallNs(16_370_000)))
                .addPrograms(ProgramDetail.newBuilder().setName("count_sock_create").setType("cgroup_sock")
                        .setId(1200509).setTag("3b7a6a547ef69d2b").setVerifiedInsns(12).setXlatedBytes(144)
                        .setJitedBytes(97).setBtfId(542402).addMapIds(1587024).addMapIds(1587025)
                        .setRunCount(3).setRunTimeNs(4500))
                .addLinks(LinkDetail.newBuilder().setName("count_execs").setType("perf_event").setId(953201)
                        .setProgId(1200508))
                .addLinks(LinkDetail.newBuilder().setName("count_sock_create").setType("cgroup").setId(953202)
                        .setProgId(1200509).setTarget("cgroup id 6067, attach type cgroup_inet_sock_create"))
                .addMaps(MapContents.newBuilder().setName("exec_counts").setType("hash").setKeyType("char[16]")
                        .setValueType("__u64").setId(1587024).setTotalEntries(3).setMaxEntries(1024).setKeySize(16)
                        .setValueSize(8).setBtfId(542402)
                        .addEntries(entry("\"gew\"", 9)).addEntries(entry("\"perf-exec\"", 70))
                        .addEntries(entry("\"bash\"", 34)))
                .addMaps(MapContents.newBuilder().setName("events").setType("ringbuf").setId(1587026)
                        .setMaxEntries(262144).setRing(RingPositions.newBuilder().setSize(262144).setConsumer(4096)
                                .setProducer(4160)))
                .addMaps(MapContents.newBuilder().setName("exec_perf_events").setType("perf_event_array")
                        .setKeyType("4 bytes").setValueType("4 bytes").setId(1587027).setMaxEntries(2).setKeySize(4)
                        .setValueSize(4))
                .addMaps(MapContents.newBuilder().setName("gone").setReadError("cannot open its pin: no such file"))
                .build();
    }

    private static MapEntry entry(String key, long value) {
        return MapEntry.newBuilder().setKeyText(key).setValueText(Long.toString(value)).setUnsignedValue(value).build();
    }

    @Test
    void aSessionPrintsAsTablesThatFit() {
        StringWriter s = new StringWriter();
        SessionDetailText.print(new PrintWriter(s), detail());
        // local times differ between machines: the golden file holds placeholders
        String text = s.toString().replace(Table.time(UPDATED), "<updated>").replace(Table.time(LOADED), "<loaded>");
        Golden.check("session-show.txt", text);
        assertTrue(text.lines().allMatch(l -> l.length() <= Table.WIDTH && !l.endsWith(" ")), text);
    }
}
