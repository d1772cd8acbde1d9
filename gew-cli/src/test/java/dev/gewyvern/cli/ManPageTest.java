package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** gew(1) is made from the command tree: every command, argument, option, example and exit code is in it. */
class ManPageTest {
    @Test
    void everyCommandAndOptionIsInThePage() {
        String page = ManPage.of(GewCommand.full());
        for (List<String> path : StrictCliTest.commands()) {
            CommandLine c = GewCommand.full();
            for (String word : path) {
                c = c.getSubcommands().get(word);
            }
            String name = "gew " + String.join(" ", path);
            assertTrue(page.contains(".SS \"" + name + "\"\n"), name);
            for (var o : c.getCommandSpec().options()) {
                if (!o.usageHelp() && !o.versionHelp()) {
                    assertTrue(page.contains("\\fB" + ManPage.text(o.longestName()) + "\\fR"), name + " " + o.longestName());
                }
            }
        }
        for (ExitCode e : ExitCode.values()) {
            assertTrue(page.contains(".TP\n.B " + e.code() + "\n"), "exit " + e.code());
        }
        assertTrue(page.contains("Examples:\n.PP\n.nf\n.RS\ngew session apply testdata/pipelines/execcount.txtpb"), page);
    }

    @Test
    void roffReadsItWithoutAWarning(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("gew.1");
        ManPage.main(new String[] {page.toString()});
        Path groff = Path.of("/usr/bin/groff");
        if (!Files.isExecutable(groff)) {
            return; // the structure is checked above; groff only adds the roff syntax check
        }
        Process p = new ProcessBuilder(groff.toString(), "-man", "-Tutf8", "-ww", "-z", page.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertEquals("", out, "groff warnings");
    }
}
