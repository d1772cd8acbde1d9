package dev.gewyvern.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.gewyvern.proto.v1.Pipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gew session apply}: applies a pipeline as one session and holds it in the foreground until
 * Ctrl-C, SIGTERM, SIGHUP, {@code --duration}, or {@code gew session detach} from another shell. Every
 * way out detaches and unpins the session.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew session apply testdata/pipelines/execcount.txtpb --duration 10s",
            "  gew session apply --object testdata/obj/execcount.bpf.o --watch 1s \\",
            "      --program count_execs --attach tracepoint:syscalls:sys_enter_execve",
            "  gew session apply testdata/pipelines/execcount.txtpb --run 'make test'",
            "  gew session apply --object testdata/obj/execcount.bpf.o --load-only --dry-run",
            "  gew session apply testdata/pipelines/execsnoop.txtpb \\",
            "      --events 'execs:struct exec_event' -o json"},
        description = "Apply a pipeline as one session (create, stage, verify, attach, commit; rollback on any failure) and hold it until Ctrl-C, SIGTERM, SIGHUP, --duration, or `gew session detach ID` from another shell.")
final class SessionApplyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PIPELINE", arity = "0..1",
            description = "A Pipeline file: .txtpb (protobuf text) or .pb (binary).")
    Path pipelineFile;

    @Option(names = "--object", paramLabel = "FILE", description = "A BPF object (clang -target bpf), instead of a pipeline file.")
    Path object;

    @Option(names = "--program", paramLabel = "NAME", description = "A program of --object to load (repeatable).")
    List<String> programs = new ArrayList<>();

    @Option(names = "--attach", paramLabel = "TARGET",
            description = "Where the matching --program attaches (repeatable, in order): " + PipelineFiles.FORMS + ".")
    List<String> attach = new ArrayList<>();

    @Option(names = "--name", description = "The session name (with --object); the id adds a random suffix.")
    String name;

    @Option(names = "--load-only", description = "With --object: load and pin every program of the object in "
            + "one session, attach none (a load check, as bpftool prog loadall does). Struct_ops maps are created "
            + "with their programs but not registered; nothing runs, so nothing needs --allow-risky.")
    boolean loadOnly;

    @Option(names = "--target-btf", paramLabel = "FILE", description = "With --object: apply the object's CO-RE "
            + "relocations against this BTF (raw, or an ELF object's .BTF) instead of the running kernel's.")
    Path targetBtf;

    @Option(names = "--map-size", paramLabel = "NAME=ENTRIES[:VALUE_SIZE]", description = "With --object: size a "
            + "map the object leaves to run time (repeatable), as the pipeline's map_sizes does.")
    List<String> mapSizes = new ArrayList<>();

    @Option(names = "--global", paramLabel = "NAME=VALUE", description = "With --object: set a .rodata or .data "
            + "variable before load (repeatable), read by its BTF type: true/false, a number, an enumerator, a "
            + "string for a char array, or 0x and the bytes in hex; as the pipeline's globals does.")
    List<String> globals = new ArrayList<>();

    @Mixin
    HoldOptions hold;

    @Override
    public Integer call() throws Exception {
        hold.check();
        return SessionHolder.applyAndHold(pipeline(), hold, spec, "session apply");
    }

    private Pipeline pipeline() {
        if (pipelineFile != null && object != null) {
            throw new UserError("give a pipeline file or --object, not both");
        }
        if (pipelineFile != null) {
            if (!programs.isEmpty() || !attach.isEmpty() || targetBtf != null || !mapSizes.isEmpty()
                    || !globals.isEmpty()) {
                throw new UserError("--program, --attach, --target-btf, --map-size and --global go with --object, not "
                        + "with a pipeline file (give the object target_btf, map_sizes and globals in the file)");
            }
            if (name != null || loadOnly) {
                throw new UserError("--name and --load-only go with --object, not with a pipeline file (the file "
                        + "names its session and where each program attaches)");
            }
            return PipelineFiles.read(pipelineFile);
        }
        if (object == null) {
            throw new UserError("give a pipeline file (PIPELINE.txtpb) or --object FILE --program NAME --attach TARGET");
        }
        Pipeline p;
        if (loadOnly) {
            if (!programs.isEmpty() || !attach.isEmpty()) {
                throw new UserError("--load-only loads every program of --object: leave out --program and --attach");
            }
            p = PipelineFiles.loadOnly(name, object, spec.commandLine().getErr());
        } else {
            p = PipelineFiles.fromFlags(name, object, programs, attach);
        }
        p = PipelineFiles.withSettings(p, object, mapSizes, globals);
        if (targetBtf == null) {
            return p;
        }
        return p.toBuilder().setObjects(0, p.getObjects(0).toBuilder()
                .setTargetBtf(targetBtf.toAbsolutePath().normalize().toString())).build();
    }
}
