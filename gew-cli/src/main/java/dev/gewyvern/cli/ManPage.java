package dev.gewyvern.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * gew(1), written in roff from the command tree the parser uses ({@link GewCommand#full()}): every command
 * with its synopsis, description, arguments, options and examples, then the exit codes ({@link ExitCode}). The
 * build runs it ({@code java -cp gew-cli.jar dev.gewyvern.cli.ManPage OUT}) into the distribution's
 * {@code man/gew.1}; {@code man -l gew-cli/target/gew/man/gew.1} reads it. Not a command.
 */
final class ManPage {
    private ManPage() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "gew.1");
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, of(GewCommand.full()), StandardCharsets.UTF_8);
    }

    static String of(CommandLine root) {
        StringBuilder b = new StringBuilder();
        CommandSpec spec = root.getCommandSpec();
        b.append(".TH GEW 1 \"\" \"gew ").append(dev.gewyvern.session.Engine.VERSION).append("\" \"gewyvern manual\"\n");
        b.append(".SH NAME\ngew \\- ").append(text(first(spec.usageMessage().description()))).append('\n');
        b.append(".SH SYNOPSIS\n.B gew\n.I COMMAND\n[\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]\n");
        b.append(".SH DESCRIPTION\n").append(text(String.join(" ", spec.usageMessage().description()))).append('\n');
        b.append(".PP\nEvery command takes \\fB\\-h\\fR (\\fB\\-\\-help\\fR); \\fBgew help\\fR \\fICOMMAND\\fR prints the same. ")
                .append("Commands that touch the kernel need root.\n");
        b.append(".SH COMMANDS\n");
        for (CommandLine c : root.getSubcommands().values()) {
            command(b, c);
        }
        b.append(".SH EXIT STATUS\n");
        for (ExitCode e : ExitCode.values()) {
            b.append(".TP\n.B ").append(e.code()).append('\n').append(text(e.meaning())).append('\n');
        }
        b.append(".SH FILES\n.TP\n.I /sys/fs/bpf/gewyvern/\nthe pin root: every session's programs, maps and links.\n")
                .append(".TP\n.I /var/lib/gewyvern/\nthe runtime's identity and pairing (\\fB\\-\\-state\\-dir\\fR).\n")
                .append(".TP\n.I /run/gewyvern/\nthe control socket, the probe cache, background holders' logs.\n");
        b.append(".SH SEE ALSO\n.BR bpftool (8),\n.BR bpf (2).\n")
                .append("The repository's README.md and docs/ (docs/cli.md: exit codes, errors, JSON output).\n");
        return b.toString();
    }

    private static void command(StringBuilder b, CommandLine c) {
        CommandSpec spec = c.getCommandSpec();
        b.append(".SS \"").append(spec.qualifiedName()).append("\"\n");
        b.append(text(String.join(" ", spec.usageMessage().description()))).append('\n');
        b.append(".PP\n.nf\n").append(text(c.getHelp().synopsis(0).strip())).append("\n.fi\n");
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.hidden()) {
                continue;
            }
            b.append(".TP\n.I ").append(text(p.paramLabel())).append('\n')
                    .append(text(String.join(" ", p.description()))).append('\n');
        }
        for (OptionSpec o : spec.options()) {
            if (o.hidden() || o.usageHelp() || o.versionHelp()) {
                continue;
            }
            b.append(".TP\n");
            List<String> names = List.of(o.names());
            for (int i = 0; i < names.size(); i++) {
                b.append(i == 0 ? "" : ", ").append("\\fB").append(text(names.get(i))).append("\\fR");
            }
            if (o.arity().max() > 0) {
                b.append(" \\fI").append(text(o.paramLabel())).append("\\fR");
            }
            b.append('\n').append(text(String.join(" ", o.description()))).append('\n');
        }
        String[] footer = spec.usageMessage().footer();
        if (footer.length > 0) {
            b.append(".PP\nExamples:\n.PP\n.nf\n.RS\n");
            for (String line : footer) {
                b.append(text(line.strip().isEmpty() ? "" : line.replaceFirst("^  ", ""))).append('\n');
            }
            b.append(".RE\n.fi\n");
        }
        for (CommandLine sub : c.getSubcommands().values()) {
            command(b, sub);
        }
    }

    private static String first(String[] lines) {
        return lines.length == 0 ? "" : lines[0];
    }

    /** Text safe in roff: backslashes and hyphens escaped, no line that starts as a request. */
    static String text(String s) {
        StringBuilder b = new StringBuilder();
        for (String line : s.replace("\\", "\\e").replace("-", "\\-").split("\n", -1)) {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(line.startsWith(".") || line.startsWith("'") ? "\\&" + line : line);
        }
        return b.toString();
    }
}
