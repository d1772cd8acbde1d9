package dev.gewyvern.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.gewyvern.elf.uapi.AttachType;
import org.junit.jupiter.api.Test;

/**
 * Holds the program-section table against libbpf's documented list (test resource
 * libbpf-sections.tsv): the same patterns in the same order, each with the same program type,
 * expected attach type and flags. A section libbpf knows that we do not, or one we invented, fails.
 */
class ProgramSectionTableTest {
    record Row(String pattern, String progType, String attachType, String flags) {}

    static List<Row> libbpf() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = ProgramSectionTableTest.class.getResourceAsStream("/libbpf-sections.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                assertEquals(4, f.length, "malformed row: " + line);
                rows.add(new Row(f[0], f[1], f[2], f[3]));
            }
        }
        return rows;
    }

    private static String flags(ProgramSection ps) {
        List<String> f = new ArrayList<>();
        if ((ps.progFlags() & ProgramSection.Flags.SLEEPABLE) != 0) {
            f.add("sleepable");
        }
        if ((ps.progFlags() & ProgramSection.Flags.XDP_HAS_FRAGS) != 0) {
            f.add("xdp_frags");
        }
        return f.isEmpty() ? "-" : String.join(",", f);
    }

    @Test
    void tableIsLibbpfsListInLibbpfsOrder() throws IOException {
        List<Row> documented = libbpf();
        Map<String, Row> ours = new LinkedHashMap<>();
        for (ProgramSection ps : ProgramSection.values()) {
            ours.put(ps.pattern(), new Row(ps.pattern(), ps.progType().constant(),
                    ps.attachType().map(AttachType::constant).orElse("-"), flags(ps)));
        }
        List<String> missing = new ArrayList<>();
        for (Row r : documented) {
            Row o = ours.get(r.pattern());
            if (o == null) {
                missing.add(r.pattern());
            } else {
                assertEquals(r, o, "section '" + r.pattern() + "' differs from libbpf's");
            }
        }
        assertTrue(missing.isEmpty(), "sections libbpf knows but our table lacks: " + missing);
        assertEquals(documented.stream().map(Row::pattern).toList(), List.copyOf(ours.keySet()),
                "our table has sections libbpf does not document, or a different order (the first match wins)");
        assertEquals(116, documented.size());
    }

    @Test
    void everyDocumentedSectionMatchesItsOwnRow() throws IOException {
        for (Row r : libbpf()) {
            String example = r.pattern().endsWith("+") ? r.pattern().replace("+", "") + "/x/y" : r.pattern();
            Optional<ProgramSection.Match> m = ProgramSection.match(example);
            assertTrue(m.isPresent(), "no match for " + example);
            assertEquals(r.pattern(), m.get().kind().pattern(), example);
        }
    }

    @Test
    void sleepableAndFragsFormsCarryTheirLoadFlags() {
        assertTrue(ProgramSection.match("lsm.s/file_open").orElseThrow().kind().sleepable());
        assertTrue(ProgramSection.match("syscall").orElseThrow().kind().sleepable());
        assertEquals(32, ProgramSection.match("xdp.frags").orElseThrow().kind().progFlags());
        assertEquals(0, ProgramSection.match("xdp").orElseThrow().kind().progFlags());
        assertEquals("/usr/bin/bash:readline", ProgramSection.match("uretprobe//usr/bin/bash:readline").orElseThrow()
                .name());
        assertTrue(ProgramSection.match("usdt").orElseThrow().problem().isPresent());
        assertTrue(ProgramSection.match("struct_ops/anything").orElseThrow().problem().isEmpty());
        assertEquals(ProgramSection.TP, ProgramSection.match("?tp/syscalls/sys_enter_getppid").orElseThrow().kind());
        assertEquals("sys_enter_getppid", ProgramSection.match("?tp/syscalls/sys_enter_getppid").orElseThrow().name());
    }
}
