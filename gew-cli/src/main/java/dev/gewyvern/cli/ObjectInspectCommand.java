package dev.gewyvern.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.gewyvern.btf.BtfException;
import dev.gewyvern.btf.CoreCandidates;
import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.elf.ElfException;
import dev.gewyvern.proto.v1.CoreRelocationReport;
import dev.gewyvern.proto.v1.MapReport;
import dev.gewyvern.session.CoreTargets;
import dev.gewyvern.session.SessionException;
import dev.gewyvern.proto.v1.ObjectReport;
import dev.gewyvern.proto.v1.ProgramReport;
import dev.gewyvern.proto.v1.VariableReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew object inspect testdata/obj/execcount.bpf.o",
            "  gew object inspect --disasm testdata/obj/execcount.bpf.o",
            "  gew object inspect --core testdata/obj/core_kernel.bpf.o -o json"},
        description = {"List a BPF object's programs (section, type, attach target, instructions), maps, global "
                + "variables with their initial values and externs. Reads the file only: no kernel, no root.",
                "With --core, also resolve every CO-RE relocation against the running kernel's BTF "
                + "(/sys/kernel/btf/vmlinux, read as a file) or the BTF given with --target-btf."})
final class ObjectInspectCommand implements Callable<Integer> {
    enum Output { text, json }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The object file (clang -target bpf or bpfeb).")
    Path file;

    @Option(names = "--disasm", description = "Also print each program's instructions, with the source lines "
            + "their line_info names.")
    boolean disasm;

    @Option(names = "--core", description = "Resolve each CO-RE relocation: its local access, the target it "
            + "matched, the value before and after, and which instructions would be poisoned.")
    boolean core;

    @Option(names = "--target-btf", paramLabel = "PATH", description = "With --core: resolve against this BTF "
            + "(raw BTF such as a /sys/kernel/btf file, or an ELF object built with -g) instead of the running kernel's.")
    Path targetBtf;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT",
            description = "text (default) or json (the ObjectReport message of proto/gewyvern/v1/object.proto).")
    Output output;

    @Override
    public Integer call() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw UserError.cannotRead(file, e);
        }
        BpfObject o;
        try {
            o = BpfObject.parse(bytes);
        } catch (ElfException | BtfException e) {
            throw new UserError(file + " is not a usable BPF object: " + e.getMessage());
        }
        String name = file.getFileName().toString();
        int dot = name.indexOf('.');
        if (targetBtf != null && !core) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--target-btf is used with --core");
        }
        CoreCandidates target = null;
        if (core) {
            try {
                target = targetBtf != null ? CoreTargets.file(targetBtf.toAbsolutePath()) : CoreTargets.kernel();
            } catch (SessionException e) {
                throw new UserError(e.getMessage(), ExitCode.of(e.kind()));
            }
        }
        ObjectReport r = ObjectReports.of(file.toString(), dot > 0 ? name.substring(0, dot) : name, o, disasm, target);
        PrintWriter out = spec.commandLine().getOut();
        if (output == Output.json) {
            out.print(ReportJson.of(r));
        } else {
            text(r, out);
        }
        out.flush();
        return 0;
    }

    private static String or(String s, String dflt) {
        return s.isEmpty() ? dflt : s;
    }

    static void text(ObjectReport r, PrintWriter out) {
        out.printf("object %s: %s, license \"%s\", %s%s%n", r.getPath(), r.getByteOrder(), r.getLicense(),
                r.getBtfTypes() == 0 ? "no BTF" : r.getBtfTypes() + " BTF types",
                r.getKernelVersion() == 0 ? "" : String.format(", kernel version 0x%x", r.getKernelVersion()));
        if (r.getProblemsCount() > 0) {
            out.println((r.getUnloadable() ? "the object cannot be loaded: " : "problems: ")
                    + String.join("; ", r.getProblemsList()));
        }
        out.println();
        Table progs = Table.of("PROGRAM", "SECTION", "TYPE", "EXPECTED ATTACH", "TARGET", "INSNS").right(5).wrap(3, 4);
        for (ProgramReport p : r.getProgramsList()) {
            progs.row(p.getName(), p.getSection(), or(p.getProgType().replace("BPF_PROG_TYPE_", "").toLowerCase(), "?"),
                    or(p.getExpectedAttachType(), "-"), or(p.getAttachTarget(), "-"), p.getInstructions());
            if (!p.getSubprogramsList().isEmpty()) {
                progs.note("calls " + String.join(", ", p.getSubprogramsList()));
            }
            if (!p.getProblem().isEmpty()) {
                progs.note((p.getUnloadable() ? "cannot be loaded" : "problem") + ": " + p.getProblem());
            }
        }
        progs.print(out);
        out.println();
        if (r.getMapsCount() == 0) {
            out.println("no maps");
        } else {
            Table maps = Table.of("MAP", "TYPE", "KEY", "VALUE", "ENTRIES", "FLAGS", "SECTION").right(4).wrap(2, 3, 6);
            for (MapReport m : r.getMapsList()) {
                if (!m.getProblem().isEmpty()) {
                    maps.span(m.getName(), "cannot be made: " + m.getProblem());
                    continue;
                }
                maps.row(m.getName(), m.getType(), typed(m.getKeyType(), m.getKeySize()),
                        typed(m.getValueType(), m.getValueSize()), m.getMaxEntries(), "0x" + Integer.toHexString(m.getFlags()),
                        m.getSection().isEmpty() ? "" : m.getSection() + (m.getFrozen() ? " (frozen)" : ""));
                if (!m.getInner().isEmpty()) {
                    maps.note("inner " + m.getInner());
                }
                if (m.getInitialValuesCount() > 0) {
                    maps.note("values " + String.join(", ", m.getInitialValuesList()));
                }
            }
            maps.print(out);
        }
        if (r.getVariablesCount() > 0) {
            out.println();
            Table vars = Table.of("VARIABLE", "SECTION", "OFFSET", "SIZE", "TYPE", "VALUE").right(2, 3).wrap(4, 5);
            for (VariableReport v : r.getVariablesList()) {
                vars.row(v.getName() + (v.getGlobal() ? "" : " (static)"), v.getSection(), v.getOffset(), v.getSize(),
                        v.getType(), v.getValue());
            }
            vars.print(out);
        }
        if (r.getExternsCount() > 0) {
            out.println();
            Table externs = Table.of("EXTERN", "SECTION", "WEAK", "TYPE").wrap(3);
            for (var e : r.getExternsList()) {
                if (!e.getProblem().isEmpty()) {
                    externs.span(e.getName(), "cannot be resolved: " + e.getProblem());
                    continue;
                }
                externs.row(e.getName(), e.getSection(), e.getWeak() ? "yes" : "no", e.getType());
            }
            externs.print(out);
        }
        if (!r.getCoreTarget().isEmpty()) {
            core(r, out);
        }
        for (ProgramReport p : r.getProgramsList()) {
            if (p.getDisassemblyCount() > 0) {
                out.println();
                out.println(p.getName() + " (" + p.getSection() + "):");
                p.getDisassemblyList().forEach(l -> out.println("  " + l));
            }
        }
    }

    private static String typed(String type, int size) {
        return type.isEmpty() ? size + " bytes" : type + " (" + size + ")";
    }

    private static void core(ObjectReport r, PrintWriter out) {
        out.println();
        int total = 0;
        for (ProgramReport p : r.getProgramsList()) {
            total += p.getCoreRelocationsCount();
        }
        out.printf("CO-RE relocations against %s: %d%n", r.getCoreTarget(), total);
        for (ProgramReport p : r.getProgramsList()) {
            if (p.getCoreRelocationsCount() == 0 && p.getCoreProblem().isEmpty()) {
                continue;
            }
            out.println();
            out.println(p.getName() + " (" + p.getSection() + "):");
            if (!p.getCoreProblem().isEmpty()) {
                out.println("  cannot be relocated: " + p.getCoreProblem());
            }
            for (CoreRelocationReport c : p.getCoreRelocationsList()) {
                out.printf("  #%-3d insn %-5d %-15s %s%n", c.getNumber(), c.getInsn(), c.getKind(), c.getLocal());
                if (c.getPoisoned()) {
                    out.printf("  %-26s POISONED: %s%n", "", c.getReason());
                } else {
                    out.printf("  %-26s -> %s%n", "", c.getTarget().isEmpty() ? "(no target: " + c.getKind()
                            + " takes 0)" : c.getTarget());
                }
                out.printf("  %-26s value %d -> %d   %s  =>  %s%n", "", c.getLocalValue(), c.getTargetValue(),
                        c.getInsnBefore(), c.getInsnAfter());
                if (!c.getSource().isEmpty()) {
                    out.printf("  %-26s at %s%n", "", c.getSource());
                }
            }
        }
    }
}
