package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.gewyvern.proto.v1.ObjectCheck;
import dev.gewyvern.proto.v1.ObjectCheckReport;
import dev.gewyvern.proto.v1.ProgramCheck;
import dev.gewyvern.proto.v1.Verification;
import dev.gewyvern.session.Engine;
import dev.gewyvern.session.RiskPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "check", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew object check testdata/obj/execcount.bpf.o testdata/obj/iproute2.bpf.o",
            "  gew object check --each -o json testdata/obj/globals.bpf.o",
            "  gew object check --map-size stackmap=10240:1016 offcputime.bpf.o"},
        description = {"Will these objects load on this kernel? Loads every program of each object in one throwaway "
                + "load-only session (nothing attached, nothing left behind), and each program alone when the whole "
                + "object does not load; one row per program: loads or refused, why (the verifier's last words, the "
                + "CO-RE relocation that poisoned it, a capability this kernel lacks), instructions processed and "
                + "verification time. Needs root.",
                "Exit status 0 when every object loads whole, 1 when one does not."})
final class ObjectCheckCommand implements Callable<Integer> {
    enum Output { text, json }

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "BPF object files (clang -target bpf).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--each", description = "Load each program alone as well when its whole object loads.")
    boolean each;

    @Option(names = "--map-size", paramLabel = "NAME=ENTRIES[:VALUE_SIZE]", description = "Size a map an object leaves "
            + "to run time (repeatable); applies to every object with a map of that name.")
    List<String> mapSizes = new ArrayList<>();

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT",
            description = "text (default) or json (the ObjectCheckReport message of proto/gewyvern/v1/object.proto).")
    Output output;

    @Override
    public Integer call() {
        mapSizes.forEach(PipelineFiles::mapSize); // the flag form's syntax: a mistake is a usage error before any load
        PrintWriter err = spec.commandLine().getErr();
        // every session is load-only: nothing is attached, so nothing risky is done (--allow-risky is implied)
        Engine engine = Engines.start("object check", err, RiskPolicy.fromLocalCommandLine(true));
        ObjectCheckReport.Builder report = ObjectCheckReport.newBuilder()
                .setKernelRelease(System.getProperty("os.version"));
        try {
            ObjectChecker checker = new ObjectChecker(engine, mapSizes, each);
            for (Path f : files) {
                report.addObjects(checker.check(f));
            }
        } finally {
            engine.close();
        }
        ObjectCheckReport r = report.build();
        PrintWriter out = spec.commandLine().getOut();
        if (output == Output.json) {
            out.print(ReportJson.of(r));
        } else {
            text(r, out);
        }
        out.flush();
        return r.getObjectsList().stream().allMatch(ObjectCheck::getLoads) ? 0 : ExitCode.FAILED.code();
    }

    static void text(ObjectCheckReport r, PrintWriter out) {
        out.println("kernel " + r.getKernelRelease());
        int programs = 0;
        int loading = 0;
        for (ObjectCheck o : r.getObjectsList()) {
            out.println();
            out.println(o.getPath() + ": " + (o.getLoads() ? "loads" : "does not load") + (o.getReason().isEmpty() ? ""
                    : " (" + o.getReason().lines().findFirst().orElse("") + ")")
                    + (o.getMapSizesCount() == 0 ? "" : " with --map-size " + String.join(" --map-size ",
                    o.getMapSizesList())));
            if (o.getProgramsCount() == 0) {
                continue;
            }
            out.printf("  %-38s %-14s %-8s %-11s %7s %9s  %s%n", "PROGRAM", "TYPE", "RESULT", "TRIED", "INSNS",
                    "VERIFY_US", "REASON");
            for (ProgramCheck p : o.getProgramsList()) {
                programs++;
                loading += p.getLoads() ? 1 : 0;
                Verification v = p.getVerification();
                out.printf("  %-38s %-14s %-8s %-11s %7s %9s  %s%n", p.getName(), p.getProgType().isEmpty() ? "?"
                        : p.getProgType(), p.getLoads() ? "loads" : "refused", trial(p.getTrial()),
                        v.getProcessedInsns() > 0 ? Integer.toString(v.getProcessedInsns()) : "-", micros(v),
                        p.getReason());
            }
        }
        out.println();
        out.printf("%d of %d objects load whole; %d of %d programs load%n",
                r.getObjectsList().stream().filter(ObjectCheck::getLoads).count(), r.getObjectsCount(), loading,
                programs);
    }

    private static String trial(ProgramCheck.Trial t) {
        return switch (t) {
            case WITH_OBJECT -> "with object";
            case ALONE -> "alone";
            case NOT_TRIED -> "not tried";
            default -> "?";
        };
    }

    /** The verifier's own time when its log said, else the BPF_PROG_LOAD call's (verification included). */
    private static String micros(Verification v) {
        if (v.getVerifierTimeUs() > 0) {
            return Long.toString(v.getVerifierTimeUs());
        }
        return v.getLoadCallNs() > 0 ? "~" + (v.getLoadCallNs() / 1000) : "-";
    }
}
