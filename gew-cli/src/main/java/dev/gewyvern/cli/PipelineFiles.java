package dev.gewyvern.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.Freplace;
import dev.gewyvern.proto.v1.Kprobe;
import dev.gewyvern.proto.v1.KprobeMulti;
import dev.gewyvern.proto.v1.StructOps;
import dev.gewyvern.proto.v1.Tracing;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.BtfTracepoint;
import dev.gewyvern.proto.v1.Cgroup;
import dev.gewyvern.proto.v1.NetfilterHook;
import dev.gewyvern.proto.v1.NetworkInterface;
import dev.gewyvern.proto.v1.NetworkNamespace;
import dev.gewyvern.proto.v1.PerfEvent;
import dev.gewyvern.proto.v1.RawTracepoint;
import dev.gewyvern.proto.v1.Tracepoint;
import dev.gewyvern.proto.v1.Uprobe;
import dev.gewyvern.session.AttachKind;
import dev.gewyvern.session.AttachSpec;

/**
 * The CLI edge of the Pipeline contract: a {@code .txtpb} (protobuf text) or {@code .pb} (binary) file,
 * or flags, become a Pipeline message. Relative object paths are resolved against the pipeline file's
 * folder (or the working directory for flags), so the engine only ever sees absolute paths.
 */
final class PipelineFiles {
    private PipelineFiles() {
    }

    static Pipeline read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw UserError.cannotRead("pipeline " + file, e);
        }
        Pipeline.Builder b = Pipeline.newBuilder();
        String name = file.getFileName().toString();
        try {
            if (name.endsWith(".pb") || name.endsWith(".binpb")) {
                b.mergeFrom(bytes);
            } else if (name.endsWith(".txtpb") || name.endsWith(".textproto") || name.endsWith(".pbtxt")) {
                TextFormat.getParser().merge(new String(bytes, java.nio.charset.StandardCharsets.UTF_8), b);
            } else {
                throw new UserError("pipeline " + file + ": the name must end in .txtpb (protobuf text) or .pb "
                        + "(binary); JSON pipelines are for `gew session replay`");
            }
        } catch (TextFormat.ParseException e) {
            throw new UserError("pipeline " + file + ": " + e.getMessage());
        } catch (InvalidProtocolBufferException e) {
            throw new UserError("pipeline " + file + " is not a binary Pipeline message: " + e.getMessage());
        }
        return absolutePaths(b, file.toAbsolutePath().getParent()).build();
    }

    /**
     * Every program of {@code object} loaded and pinned in one session, none attached (as `bpftool prog
     * loadall` loads them). Struct_ops programs are loaded with the struct_ops map that names them, which is
     * listed instead and created but not registered. Programs in a section gewyvern does not know, and
     * struct_ops programs no map names, are left out, and said so.
     */
    static Pipeline loadOnly(String name, Path object, java.io.PrintWriter err) {
        dev.gewyvern.elf.BpfObject obj = parse(object);
        java.util.Set<String> withMap = new java.util.HashSet<>();
        for (dev.gewyvern.elf.StructOpsMap m : obj.structOps()) {
            withMap.addAll(m.programs());
        }
        List<String> programs = new java.util.ArrayList<>();
        for (dev.gewyvern.elf.BpfProgram p : obj.programs()) {
            if (p.loadProblem().isPresent() || p.section().isEmpty()) {
                err.println("gew: leaving out program " + p.name() + ": "
                        + p.loadProblem().orElse("unknown section"));
            } else if (p.section().get().kind().progType() == dev.gewyvern.elf.uapi.ProgType.STRUCT_OPS) {
                if (!withMap.contains(p.name())) {
                    err.println("gew: leaving out program " + p.name() + ": a struct_ops program is loaded with the "
                            + "struct_ops map that names it, and no map of the object names it");
                }
            } else {
                programs.add(p.name());
            }
        }
        for (dev.gewyvern.elf.StructOpsMap m : obj.structOps()) {
            programs.add(m.name());
        }
        if (programs.isEmpty()) {
            throw new UserError(object + " has no program gewyvern can load");
        }
        return fromFlags(name, object, programs, java.util.Collections.nCopies(programs.size(), "none"));
    }

    /** A one-object pipeline from {@code --object F --program P --attach T} (programs and targets pair up in order). */
    static Pipeline fromFlags(String name, Path object, List<String> programs, List<String> attach) {
        if (programs.isEmpty()) {
            throw new UserError("--object needs at least one --program NAME");
        }
        if (attach.size() != programs.size()) {
            throw new UserError("give one --attach for each --program (" + programs.size() + " programs, "
                    + attach.size() + " --attach)");
        }
        List<AttachSpec> specs = attach.stream().map(PipelineFiles::spec).toList();
        checkFits(object, programs, specs);
        String id = objectId(object);
        Pipeline.Builder b = Pipeline.newBuilder().setName(name == null ? id : name)
                .addObjects(BpfObject.newBuilder().setId(id).setPath(object.toString()));
        for (int i = 0; i < programs.size(); i++) {
            b.addPrograms(Program.newBuilder().setObject(id).setName(programs.get(i)).setAttach(specs.get(i).target()));
        }
        return absolutePaths(b, Path.of("").toAbsolutePath()).build();
    }

    /**
     * Each {@code --attach} word must fit its program's section ({@code fexit:F} for a SEC("fentry/F") program is
     * refused, naming the word that fits). The object is read for its section names only when a word names a
     * kind; a program the object lacks is left for the session to name.
     */
    private static void checkFits(Path object, List<String> programs, List<AttachSpec> specs) {
        if (specs.stream().allMatch(s -> s.kind() == AttachKind.NONE || s.kind() == AttachKind.STRUCT_OPS)) {
            return;
        }
        java.util.Map<String, dev.gewyvern.elf.BpfProgram> byName = new java.util.HashMap<>();
        for (dev.gewyvern.elf.BpfProgram p : parse(object).programs()) {
            byName.put(p.name(), p);
        }
        for (int i = 0; i < programs.size(); i++) {
            dev.gewyvern.elf.BpfProgram p = byName.get(programs.get(i));
            if (p != null && p.section().isPresent() && specs.get(i).kind() != AttachKind.STRUCT_OPS) {
                try {
                    specs.get(i).checkFits(p.name(), p.section().get().kind(), p.sectionName());
                } catch (IllegalArgumentException e) {
                    throw new UserError(e.getMessage());
                }
            }
        }
    }

    /**
     * The flag form's {@code --map-size NAME=ENTRIES[:VALUE_SIZE]} and {@code --global NAME=VALUE} on the
     * pipeline's one object: sizes as map_sizes, values as globals, each value read by its variable's BTF
     * type in {@code object}.
     */
    static Pipeline withSettings(Pipeline p, Path object, List<String> mapSizes, List<String> globals) {
        if (mapSizes.isEmpty() && globals.isEmpty()) {
            return p;
        }
        BpfObject.Builder o = p.getObjects(0).toBuilder();
        for (String spec : mapSizes) {
            o.addMapSizes(mapSize(spec));
        }
        if (!globals.isEmpty()) {
            dev.gewyvern.elf.BpfObject obj = parse(object);
            for (String spec : globals) {
                int eq = spec.indexOf('=');
                if (eq <= 0) {
                    throw new UserError("--global '" + spec + "': want NAME=VALUE, e.g. --global target_pid=1234",
                            ExitCode.USAGE);
                }
                String name = spec.substring(0, eq);
                dev.gewyvern.elf.VariableValue v;
                try {
                    v = obj.globalValue(name, spec.substring(eq + 1));
                } catch (dev.gewyvern.elf.ElfException e) {
                    throw new UserError("--global '" + spec + "': " + e.getMessage(), ExitCode.USAGE);
                }
                dev.gewyvern.proto.v1.GlobalValue.Builder g = dev.gewyvern.proto.v1.GlobalValue.newBuilder().setName(name);
                if (v instanceof dev.gewyvern.elf.VariableValue.Integer i) {
                    g.setInteger(i.value());
                } else if (v instanceof dev.gewyvern.elf.VariableValue.Bool b) {
                    g.setBoolean(b.value());
                } else if (v instanceof dev.gewyvern.elf.VariableValue.Text t) {
                    g.setText(t.value());
                } else {
                    g.setRaw(com.google.protobuf.ByteString.copyFrom(((dev.gewyvern.elf.VariableValue.Raw) v).value()));
                }
                o.addGlobals(g);
            }
        }
        return p.toBuilder().setObjects(0, o).build();
    }

    /** One {@code --map-size NAME=ENTRIES[:VALUE_SIZE]}. */
    static dev.gewyvern.proto.v1.MapSize mapSize(String spec) {
        int eq = spec.indexOf('=');
        String[] sizes = eq < 0 ? new String[0] : spec.substring(eq + 1).split(":", -1);
        try {
            if (eq <= 0 || sizes.length < 1 || sizes.length > 2) {
                throw new NumberFormatException();
            }
            dev.gewyvern.proto.v1.MapSize.Builder m = dev.gewyvern.proto.v1.MapSize.newBuilder()
                    .setMap(spec.substring(0, eq)).setMaxEntries(Integer.parseUnsignedInt(sizes[0]));
            if (sizes.length == 2) {
                m.setValueSize(Integer.parseUnsignedInt(sizes[1]));
            }
            return m.build();
        } catch (NumberFormatException e) {
            throw new UserError("--map-size '" + spec + "': want NAME=ENTRIES or NAME=ENTRIES:VALUE_SIZE, e.g. "
                    + "--map-size stackmap=1024", ExitCode.USAGE);
        }
    }

    private static dev.gewyvern.elf.BpfObject parse(Path object) {
        try {
            return dev.gewyvern.elf.BpfObject.parse(Files.readAllBytes(object));
        } catch (IOException e) {
            throw UserError.cannotRead(object, e);
        } catch (RuntimeException e) {
            throw new UserError(object + " is not a usable BPF object: " + e.getMessage());
        }
    }

    static final String FORMS = AttachSpec.FORMS;

    /** One {@code --attach} target; see {@link #FORMS} and {@link AttachSpec#parse}. */
    static AttachTarget target(String spec) {
        return spec(spec).target();
    }

    /** One {@code --attach} value read by the codec; a value that is not one is a usage error (exit 2). */
    private static AttachSpec spec(String spec) {
        try {
            return AttachSpec.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    private static String objectId(Path object) {
        String n = object.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        int dot = n.indexOf('.');
        n = (dot > 0 ? n.substring(0, dot) : n).replaceAll("[^a-z0-9_-]", "-");
        if (n.isEmpty() || !Character.isLetterOrDigit(n.charAt(0))) {
            n = "o" + n;
        }
        return n.length() > 40 ? n.substring(0, 40) : n;
    }

    private static Pipeline.Builder absolutePaths(Pipeline.Builder b, Path base) {
        for (int i = 0; i < b.getObjectsCount(); i++) {
            BpfObject o = b.getObjects(i);
            if (o.getSourceCase() == BpfObject.SourceCase.PATH && !o.getPath().startsWith("/")) {
                o = o.toBuilder().setPath(base.resolve(o.getPath()).normalize().toString()).build();
            }
            if (!o.getTargetBtf().isEmpty() && !o.getTargetBtf().startsWith("/")) {
                o = o.toBuilder().setTargetBtf(base.resolve(o.getTargetBtf()).normalize().toString()).build();
            }
            b.setObjects(i, o);
        }
        return b;
    }
}
