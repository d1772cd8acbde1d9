package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.gewyvern.proto.v1.RuntimeInfo;
import dev.gewyvern.session.PinRoot;
import dev.gewyvern.session.RuntimeReport;
import dev.gewyvern.syscall.probes.Capabilities;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gew runtime info}: the kernel, its BTF, bpffs, tracefs and the settings that matter, read from
 * /proc and /sys without a single bpf(2) call, so that it is fast and safe to run anywhere.
 * {@code --verbose} adds the kernel configuration and every capability probed on this kernel. One
 * {@link RuntimeInfo} message (the one GetRuntimeInfo returns), printed by {@link RuntimeInfoText} or as JSON.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew runtime info",
            "  gew runtime info --verbose -o json"},
        description = "Kernel release, BTF, bpffs, tracefs, root, and gewyvern's pin root; with --verbose the "
                + "kernel-compat report: every program type, map type, attach kind, helper and feature probed.")
final class RuntimeInfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-v", "--verbose"},
            description = "Also probe the kernel (throwaway programs and maps, needs root) and report every capability.")
    boolean verbose;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        RuntimeInfo info;
        if (verbose) {
            Root.require("runtime info --verbose");
            info = RuntimeReport.verbose(PinRoot.DEFAULT, Capabilities.running());
        } else {
            info = RuntimeReport.info(PinRoot.DEFAULT);
        }
        output.print(out, info, i -> RuntimeInfoText.print(out, i));
        return 0;
    }
}
