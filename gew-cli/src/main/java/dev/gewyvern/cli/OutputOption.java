package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;

import com.google.protobuf.MessageOrBuilder;
import picocli.CommandLine.Option;

/**
 * {@code -o, --output text|json} of every command that lists or reports: a table for people, or the report's
 * proto message as JSON for machines ({@link ReportJson}; the shapes are in docs/cli.md).
 */
final class OutputOption {
    /** How a report is printed. */
    enum Format { text, json }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default: tables) or json (the report's message, see docs/cli.md).")
    Format format = Format.text;

    boolean json() {
        return format == Format.json;
    }

    /** Prints {@code report} as JSON, or as {@code text} renders it. */
    <T extends MessageOrBuilder> void print(PrintWriter out, T report, Consumer<T> text) {
        if (json()) {
            out.print(ReportJson.of(report));
        } else {
            text.accept(report);
        }
        out.flush();
    }
}
