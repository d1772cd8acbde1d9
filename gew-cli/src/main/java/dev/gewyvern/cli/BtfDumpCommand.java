package dev.gewyvern.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfCDump;
import dev.gewyvern.btf.BtfException;
import dev.gewyvern.btf.BtfRawDump;
import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.elf.ElfException;
import dev.gewyvern.syscall.KernelBtfFiles;
import dev.gewyvern.syscall.kernel.KernelBtf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gew btf dump}: the types of a BPF object's .BTF, of a raw BTF file, or of the running kernel
 * (vmlinux, or a module's split BTF over it), as bpftool's raw listing or as a C header. Reads files
 * only: no bpf(2), so no root needed.
 */
@Command(name = "dump", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew btf dump testdata/obj/core.bpf.o",
            "  gew btf dump --kernel --format c > vmlinux.h",
            "  gew btf dump --kernel tcp_bbr"},
        description = {"Print BTF types like `bpftool btf dump file F [format c]`.",
                "FILE is a BPF object (its .BTF section is read) or a raw BTF file; --kernel reads"
                        + " /sys/kernel/btf/vmlinux, --kernel MODULE that module's BTF over vmlinux."})
final class BtfDumpCommand implements Callable<Integer> {
    enum Format { raw, c }

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "A BPF object (.o) or a raw BTF file.")
    Path file;

    @Option(names = "--kernel", arity = "0..1", fallbackValue = KernelBtfFiles.VMLINUX, paramLabel = "MODULE",
            description = "The running kernel's BTF: vmlinux, or MODULE's (see /sys/kernel/btf).")
    String kernel;

    @Option(names = "--format", defaultValue = "raw", paramLabel = "raw|c",
            description = "raw: one line per type, as bpftool prints it (default); c: a header like vmlinux.h.")
    Format format;

    @Override
    public Integer call() throws IOException {
        if ((file == null) == (kernel == null)) {
            throw new UserError("btf dump takes a FILE or --kernel [MODULE] (one of them): see gew btf dump --help");
        }
        Btf btf = file != null ? fromFile(file) : fromKernel(kernel);
        PrintWriter out = spec.commandLine().getOut();
        try {
            if (format == Format.c) {
                out.print(BtfCDump.dump(btf, file != null ? "__GEW_BTF_H__" : "__VMLINUX_H__"));
            } else {
                BtfRawDump.dump(btf, out);
            }
        } catch (BtfException e) {
            throw new UserError(what() + ": malformed BTF: " + e.getMessage(), file != null ? ExitCode.USAGE : ExitCode.FAILED);
        }
        out.flush();
        return 0;
    }

    private String what() {
        return file != null ? file.toString() : KernelBtfFiles.path(kernel).toString();
    }

    private static Btf fromFile(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw UserError.cannotRead(file, e);
        }
        try {
            if (bytes.length >= 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F') {
                return BpfObject.parse(bytes).btf().orElseThrow(
                        () -> new UserError(file + ": the object has no .BTF section (was it built with clang -g?)"));
            }
            Btf btf = Btf.parse(ByteBuffer.wrap(bytes), null);
            return btf;
        } catch (BtfException e) {
            throw new UserError(file + ": not valid BTF: " + e.getMessage());
        } catch (ElfException e) {
            throw new UserError(file + ": not a BPF object we can read: " + e.getMessage());
        }
    }

    private static Btf fromKernel(String name) {
        try {
            KernelBtfFiles.path(name);
        } catch (IllegalArgumentException e) {
            throw new UserError("--kernel " + e.getMessage());
        }
        if (!java.nio.file.Files.exists(KernelBtfFiles.path(name))) {
            throw new UserError("--kernel " + name + ": this kernel has no BTF of that name (modules with BTF are the "
                    + "files under /sys/kernel/btf)", ExitCode.NOT_FOUND);
        }
        try {
            return name.equals(KernelBtfFiles.VMLINUX) ? KernelBtf.shared().vmlinux() : KernelBtf.shared().module(name);
        } catch (BtfException e) {
            throw new UserError(KernelBtfFiles.path(name) + ": malformed BTF: " + e.getMessage(), ExitCode.FAILED);
        }
    }
}
