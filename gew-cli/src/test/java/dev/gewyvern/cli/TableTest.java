package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Tables that fit: widths from content, at most 120 columns, ids cut to a unique start, no trailing spaces. */
class TableTest {
    private static String text(Table t) {
        return String.join("\n", t.lines(Table.WIDTH)) + "\n";
    }

    @Test
    void columnsAreAsWideAsTheirWidestCell() {
        Table t = Table.of("NAME", "ENTRIES", "TYPE").right(1)
                .row("counts", 3, "hash")
                .row("a_much_longer_map_name", 1024, "percpu_array")
                .row("empty", 0, null);
        Golden.check("table-plain.txt", text(t));
    }

    @Test
    void longIdsAreCutToAUniqueStartWhenTheTableIsTooWide() {
        // two ids share their first 20 characters: they keep 21; the third keeps its minimum of 12
        String a = "abcdefghijklmnopqrst0aaaaaaaaaaaaaaaaaaaaaaaaa";
        String b = "abcdefghijklmnopqrst1bbbbbbbbbbbbbbbbbbbbbbbbb";
        String c = "zyxwvutsrqponmlkjihgfedcbazyxwvutsrqponmlkjihg";
        Table t = Table.of("SESSION", "PHASE", "INSTANCE", "PID", "SINCE", "PROGRAMS").ids(0, id -> 12).ids(2, id -> 12)
                .wrap(5).right(3);
        t.row(a, "COMMITTED", c, 4242, "2026-12-03 15:54:12", "count_execs,count_opens,trace_exit");
        t.row(b, "COMMITTED", c, 17, "2026-12-03 15:54:13", "xdp_pass");
        t.row(c, "ROLLED_BACK", a, 99999, "2026-12-03 15:54:14", "one_program_with_a_rather_long_name");
        Golden.check("table-ids.txt", text(t));
        assertTrue(t.lines(Table.WIDTH).get(1).startsWith("abcdefghijklmnopqrst0 "));
    }

    @Test
    void aNarrowTableKeepsItsIdsWhole() {
        String id = "abcdefghijklmnopqrst0aaaaaaaaaaaaaaaaaaaaaaaaa";
        Table t = Table.of("SESSION", "PHASE").ids(0, s -> 12).row(id, "COMMITTED");
        assertEquals("SESSION                                         PHASE", t.lines(Table.WIDTH).get(0));
        assertTrue(t.lines(Table.WIDTH).get(1).startsWith(id + "  "));
    }

    @Test
    void aColumnThatMayWrapWrapsBeforeAnyIdIsCut() {
        String id = "execcount-37wcyhfp3p4lltcjm6af7jfhig";
        Table t = Table.of("SESSION", "PHASE", "PID", "SINCE", "PROGRAMS").ids(0, s -> 18).wrap(4).right(2)
                .row(id, "COMMITTED", 18407, "2026-12-03 12:58:28",
                        "count_execs,count_exits,count_opens,count_closes,count_reads,count_writes");
        Golden.check("table-wrap-first.txt", text(t));
        assertTrue(t.lines(Table.WIDTH).get(1).startsWith(id + "  "));
    }

    @Test
    void aWideColumnWrapsAtSpacesAndCommas() {
        Table t = Table.plain(2).indent("  ").wrap(1)
                .row("modules", "tcp_bbr sch_fq nf_tables nf_conntrack nf_defrag_ipv4 nf_defrag_ipv6 libcrc32c "
                        + "virtio_net net_failover failover virtio_blk virtio_scsi 9pnet 9pnet_virtio 9p netfs overlay")
                .row("helpers", "bpf_map_lookup_elem,bpf_map_update_elem,bpf_map_delete_elem,bpf_probe_read,"
                        + "bpf_ktime_get_ns,bpf_trace_printk,bpf_get_prandom_u32,bpf_get_smp_processor_id");
        Golden.check("table-wrap.txt", text(t));
    }

    @Test
    void aNoteGoesUnderItsRowFromTheSecondColumnAndWidensNothing() {
        Table t = Table.of("PROGRAM", "SECTION", "INSNS").right(2)
                .row("count_execs", "tracepoint/syscalls/sys_enter_execve", 35)
                .note("calls helper_one, helper_two, helper_three, helper_four, helper_five, helper_six, helper_seven, "
                        + "helper_eight, helper_nine, helper_ten")
                .row("count_exits", "tp/sched/sched_process_exit", 12);
        Golden.check("table-note.txt", text(t));
        assertEquals("PROGRAM      SECTION                               INSNS", t.lines(Table.WIDTH).get(0));
    }

    @Test
    void aSpanFillsTheRowAfterItsFirstCellAndWidensNothing() {
        Table t = Table.of("MAP", "TYPE").row("counts", "hash").span("map_outer", "cannot be made: an iproute2 map-in-map");
        assertEquals(List.of("MAP        TYPE", "counts     hash", "map_outer  cannot be made: an iproute2 map-in-map"),
                t.lines(Table.WIDTH));
    }

    @Test
    void anUnbrokenWordIsCutAtTheColumn() {
        assertEquals(List.of("abcdefghijkl", "mnopqrstuvwx", "yz"), Table.wrapCell("abcdefghijklmnopqrstuvwxyz", 12));
        assertEquals(List.of("one two", "three"), Table.wrapCell("one two three", 9));
    }

    @Test
    void aUniqueStartIsNeverShorterThanItsMinimumNorLongerThanTheId() {
        Set<String> all = Set.of("abc1", "abc2", "b");
        assertEquals("abc1", Table.uniqueStart("abc1", all, 1));
        assertEquals("b", Table.uniqueStart("b", all, 1));
        assertEquals("ab", Table.uniqueStart("ab", Set.of("ab", "abc"), 1));
        assertEquals("b", Table.uniqueStart("b", all, 12));
    }

    @Property(tries = 300)
    void everyLineFitsAndNoneEndsInASpace(@ForAll("cells") List<List<String>> rows,
            @ForAll @IntRange(min = 1, max = 6) int columns, @ForAll boolean ids) {
        String[] headers = new String[columns];
        for (int i = 0; i < columns; i++) {
            headers[i] = "COL" + i;
        }
        Table t = Table.of(headers).wrap(columns - 1).right(0);
        if (ids) {
            t.ids(0, s -> 8);
        }
        for (List<String> r : rows) {
            t.row(r.subList(0, Math.min(columns, r.size())).toArray());
        }
        for (String line : t.lines(Table.WIDTH)) {
            assertTrue(line.codePointCount(0, line.length()) <= Table.WIDTH, line);
            assertFalse(line.endsWith(" "), line);
        }
    }

    @Provide
    Arbitrary<List<List<String>>> cells() {
        Arbitrary<String> cell = Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcdefgh0123456789_").ofMaxLength(60),
                Arbitraries.strings().withChars("abc ,-").ofMaxLength(200));
        return cell.list().ofMinSize(1).ofMaxSize(6).list().ofMaxSize(8);
    }
}
