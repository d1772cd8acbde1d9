package dev.gewyvern.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.session.SessionView;

/** `gew session show -o json`: the session and every program, map and link of it as the kernel describes them. */
final class SessionJson {
    private SessionJson() {
    }

    static Map<String, Object> of(SessionView v) {
        var r = v.record();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("session", r.getSessionId());
        out.put("phase", r.getPhase().name());
        out.put("updated_unix_ms", r.getUpdatedUnixMs());
        out.put("instance", r.getInstanceId());
        out.put("owner_running", v.ownerAlive());
        out.put("pinned", v.pinPath());
        List<Object> programs = new ArrayList<>();
        for (SessionView.ProgramView p : v.programs()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("type", p.type());
            m.put("target", target(r.getPipeline().getProgramsList(), p.name()));
            m.put("id", p.id());
            m.put("tag", p.tag());
            m.put("xlated_bytes", p.xlatedBytes());
            m.put("jited_bytes", p.jitedBytes());
            m.put("verified_insns", p.verifiedInsns());
            m.put("map_ids", p.mapIds());
            m.put("loaded_at_unix_ms", p.loadedAtUnixMs());
            m.put("btf_id", p.btfId());
            m.put("run_count", p.runCount());
            m.put("run_time_ns", p.runTimeNs());
            Map<String, Object> ver = null;
            if (p.verification() != null) {
                ver = new LinkedHashMap<>();
                ver.put("processed_insns", p.verification().getProcessedInsns());
                ver.put("verifier_time_us", p.verification().getVerifierTimeUs() < 0 ? null
                        : p.verification().getVerifierTimeUs());
                ver.put("load_call_ns", p.verification().getLoadCallNs());
            }
            m.put("verification", ver);
            programs.add(m);
        }
        out.put("programs", programs);
        List<Object> maps = new ArrayList<>();
        for (dev.gewyvern.proto.v1.MapContents mv : v.maps()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", mv.getName());
            m.put("type", mv.getType());
            m.put("id", mv.getId());
            m.put("key_type", mv.getKeyType());
            m.put("value_type", mv.getValueType());
            m.put("key_size", mv.getKeySize());
            m.put("value_size", mv.getValueSize());
            m.put("max_entries", mv.getMaxEntries());
            m.put("flags", mv.getFlags());
            m.put("btf_id", mv.getBtfId());
            m.put("entries", mv.getTotalEntries());
            m.put("frozen", mv.getFrozen());
            if (!mv.getReadError().isEmpty()) {
                m.put("read_error", mv.getReadError());
            }
            if (mv.hasRing()) {
                Map<String, Object> ring = new LinkedHashMap<>();
                ring.put("size", mv.getRing().getSize());
                ring.put("consumer", mv.getRing().getConsumer());
                ring.put("producer", mv.getRing().getProducer());
                m.put("ring", ring);
            }
            if (mv.getType().equals("perf_event_array")) {
                m.put("perf_event_cpus", mv.getPerfEventCpusList());
            }
            List<Object> shown = new ArrayList<>();
            for (dev.gewyvern.proto.v1.MapEntry e : mv.getEntriesList()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("key", e.getKeyText());
                entry.put("value", e.getValueText());
                shown.add(entry);
            }
            m.put("shown", shown);
            maps.add(m);
        }
        out.put("maps", maps);
        List<Object> links = new ArrayList<>();
        for (SessionView.LinkView l : v.links()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", l.name());
            m.put("type", l.type());
            m.put("id", l.id());
            m.put("prog_id", l.progId());
            m.put("target", l.target());
            links.add(m);
        }
        out.put("links", links);
        return out;
    }

    private static String target(List<Program> programs, String name) {
        for (Program p : programs) {
            if (p.getName().equals(name)) {
                return AttachSpec.format(p.getAttach());
            }
        }
        return "";
    }
}
