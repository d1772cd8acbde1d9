package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** `gew probe list [PATTERN]`: attach points of this kernel with their state, and why not. */
class ProbeListIT {
    @Test
    void listsTracepointsRawAndBtfTracepointsWithTheirState() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("probe", "list", "*:sched_process_exec");
        assertEquals(0, r.exit(), r.toString());
        for (String p : new String[] {"tracepoint:sched:sched_process_exec", "raw_tp:sched_process_exec",
            "tp_btf:sched_process_exec"}) {
            assertTrue(r.out().matches("(?s).*(^|\n)" + p.replace(":", ":") + " +supported\n.*"), p + ":\n" + r.out());
        }
        Gew.Result lo = Gew.run("probe", "list", "xdp:lo");
        assertTrue(lo.out().startsWith("xdp:lo "), lo.toString());
    }

    @Test
    void kindsThisKernelRefusesSayWhy() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("probe", "list", "*:vfs_read");
        assertEquals(0, r.exit(), r.toString());
        if (!Files.isDirectory(Path.of("/sys/bus/event_source/devices/kprobe"))) {
            assertTrue(r.out().contains("kprobe:vfs_read"), r.out());
            assertTrue(r.out().matches("(?s).*(^|\n)kprobe:vfs_read +not supported: config missing\n.*"), r.out());
            // why, once per kind, is a note: on stderr
            assertTrue(r.err().contains("kprobe: not supported: config missing (CONFIG_KPROBES off / no kprobe PMU"),
                    r.toString());
            assertFalse(r.out().contains("CONFIG_KPROBES"), r.out());
        }
        Gew.Result supported = Gew.run("probe", "list", "--supported", "*:vfs_read");
        assertFalse(supported.out().contains("not supported"), supported.toString());
    }

    @Test
    void jsonIsTheProbeListMessage() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("probe", "list", "-o", "json", "tracepoint:sched:sched_process_exec");
        assertEquals(0, r.exit(), r.toString());
        JsonObject doc = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonObject p = doc.getAsJsonArray("points").get(0).getAsJsonObject();
        assertEquals("tracepoint", p.get("kind").getAsString());
        assertEquals("sched:sched_process_exec", p.get("name").getAsString());
        assertEquals("SUPPORTED", p.get("state").getAsString());
        assertTrue(r.err().isEmpty(), r.toString());
    }

    @Test
    void noMatchIsOneClearLine() throws Exception {
        Gew.requireBpf();
        Gew.Result r = Gew.run("probe", "list", "no_such_attach_point_anywhere");
        assertEquals(4, r.exit(), "nothing found: " + r);
        assertTrue(r.err().startsWith("gew: probe list: no attach point matches 'no_such_attach_point_anywhere'"),
                r.toString());
        assertEquals(1, r.err().lines().count(), r.toString());
        assertTrue(r.out().isEmpty(), r.toString());
        assertFalse(r.err().contains("\tat "), r.err());
        // a kind that names no points of its own says whose names it takes
        Gew.Result fmodRet = Gew.run("probe", "list", "fmod_ret:*");
        assertEquals(4, fmodRet.exit(), fmodRet.toString());
        assertTrue(fmodRet.err().contains("fmod_ret takes fentry's functions"), fmodRet.toString());
    }
}
