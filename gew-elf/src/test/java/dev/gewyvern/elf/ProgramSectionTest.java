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
        assertEquals(5, m.kind().progType().value());
        assertEquals("BPF_PROG_TYPE_TRACEPOINT", m.kind().progType().constant());
        assertTrue(m.problem().isEmpty());
        assertEquals(ProgramSection.TP, match("tp/sched/sched_process_exit").kind());
        assertEquals("sched", match("tp/sched/sched_process_exit").category());
        assertTrue(match("tracepoint").problem().isPresent());
        assertTrue(match("tp/only_one_part").problem().isPresent());
    }

    @Test
    void progAndAttachTypesFollowTheUapiEnums() {
        assertEquals(17, match("raw_tp/sys_enter").kind().progType().value());
        assertEquals("sys_enter", match("raw_tracepoint/sys_enter").name());
        ProgramSection.Match tpBtf = match("tp_btf/sched_switch");
        assertEquals(26, tpBtf.kind().progType().value());
        assertEquals(23, tpBtf.kind().expectedAttachType());
        assertEquals("BPF_TRACE_RAW_TP", tpBtf.kind().attachType().orElseThrow().constant());
        assertEquals(24, match("fentry/do_unlinkat").kind().expectedAttachType());
        assertEquals(25, match("fexit/do_unlinkat").kind().expectedAttachType());
        assertEquals(27, match("lsm/file_open").kind().expectedAttachType());
        assertEquals(28, match("iter/task").kind().expectedAttachType());
        assertEquals(29, match("lsm/file_open").kind().progType().value());
        assertEquals(1, match("socket").kind().progType().value());
        assertEquals(6, match("xdp").kind().progType().value());
        assertEquals(37, match("xdp").kind().expectedAttachType());
        assertEquals(3, match("tc").kind().progType().value());
        assertEquals(7, match("perf_event").kind().progType().value());
        assertEquals(8, match("cgroup_skb/ingress").kind().progType().value());
        assertEquals(0, match("cgroup_skb/ingress").kind().expectedAttachType());
        assertEquals(1, match("cgroup_skb/egress").kind().expectedAttachType());
        assertEquals(31, match("syscall").kind().progType().value());
        assertTrue(match("syscall").kind().attachType().isEmpty());
        ProgramSection.Match kp = match("kprobe/do_sys_open+0x10");
        assertEquals(2, kp.kind().progType().value());
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
            assertEquals(ps.expectedAttachType() != 0 || ps.attachType().isPresent(), ps.attachType().isPresent());
        }
    }
}
