package dev.gewyvern.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ProgramSectionTest {
    private static ProgramSection.Match match(String section) {
        return ProgramSection.match(section).orElseThrow(() -> new AssertionError("no match for " + section));
    }

    @Test
    void tracepointsNameCategoryAndEvent() {
        ProgramSection.Match m = match("tracepoint/syscalls/sys_enter_execve");
        assertEquals(ProgramSection.TRACEPOINT, m.kind());
        assertEquals("syscalls", m.category());
        assertEquals("sys_enter_execve", m.name());
        assertEquals(5, m.kind().progType());
        assertEquals("BPF_PROG_TYPE_TRACEPOINT", m.kind().progTypeName());
        assertTrue(m.problem().isEmpty());
        assertEquals(ProgramSection.TP, match("tp/sched/sched_process_exit").kind());
        assertEquals("sched", match("tp/sched/sched_process_exit").category());
        assertTrue(match("tracepoint").problem().isPresent());
        assertTrue(match("tp/only_one_part").problem().isPresent());
    }

    @Test
    void progAndAttachTypesFollowTheUapiEnums() {
        assertEquals(17, match("raw_tp/sys_enter").kind().progType());
        assertEquals("sys_enter", match("raw_tracepoint/sys_enter").name());
        ProgramSection.Match tpBtf = match("tp_btf/sched_switch");
        assertEquals(26, tpBtf.kind().progType());
        assertEquals(23, tpBtf.kind().attachType());
        assertEquals("BPF_TRACE_RAW_TP", tpBtf.kind().attachTypeName().orElseThrow());
        assertEquals(24, match("fentry/do_unlinkat").kind().attachType());
        assertEquals(25, match("fexit/do_unlinkat").kind().attachType());
        assertEquals(27, match("lsm/file_open").kind().attachType());
        assertEquals(28, match("iter/task").kind().attachType());
        assertEquals(29, match("lsm/file_open").kind().progType());
        assertEquals(1, match("socket").kind().progType());
        assertEquals(6, match("xdp").kind().progType());
        assertEquals(37, match("xdp").kind().attachType());
        assertEquals(3, match("tc").kind().progType());
        assertEquals(7, match("perf_event").kind().progType());
        assertEquals(8, match("cgroup_skb/ingress").kind().progType());
        assertEquals(0, match("cgroup_skb/ingress").kind().attachType());
        assertEquals(1, match("cgroup_skb/egress").kind().attachType());
        assertEquals(31, match("syscall").kind().progType());
        assertTrue(match("syscall").kind().attachTypeName().isEmpty());
        ProgramSection.Match kp = match("kprobe/do_sys_open+0x10");
        assertEquals(2, kp.kind().progType());
        assertEquals("do_sys_open", kp.name());
        assertEquals(ProgramSection.KRETPROBE, match("kretprobe/do_sys_open").kind());
    }

    @Test
    void matchesLikeLibbpf() {
        // exact patterns match only themselves; "+" patterns need the exact prefix or "prefix/"
        assertTrue(ProgramSection.match("xdp/other").isEmpty());
        assertTrue(ProgramSection.match("xdpfoo").isEmpty());
        assertTrue(ProgramSection.match("tracepointx/a/b").isEmpty());
        assertTrue(ProgramSection.match("weird/section").isEmpty());
        assertTrue(ProgramSection.match("").isEmpty());
        assertEquals(ProgramSection.TP_BTF, match("tp_btf/x").kind());
        assertEquals(ProgramSection.TP, match("tp/a/b").kind());
        Set<String> patterns = new HashSet<>();
        for (ProgramSection ps : ProgramSection.values()) {
            assertTrue(patterns.add(ps.pattern()), "pattern twice: " + ps.pattern());
            assertTrue(ps.progTypeName().startsWith("BPF_PROG_TYPE_"));
            assertEquals(ps.attachType() != 0 || ps.attachTypeName().isPresent(), ps.attachTypeName().isPresent());
        }
    }
}
