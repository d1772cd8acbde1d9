package dev.gewyvern.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.Tracepoint;

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
            throw new UserError("cannot read pipeline " + file + ": " + e.getMessage());
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

    /** A one-object pipeline from {@code --object F --program P --attach T} (programs and targets pair up in order). */
    static Pipeline fromFlags(String name, Path object, List<String> programs, List<String> attach) {
        if (programs.isEmpty()) {
            throw new UserError("--object needs at least one --program NAME");
        }
        if (attach.size() != programs.size()) {
            throw new UserError("give one --attach for each --program (" + programs.size() + " programs, "
                    + attach.size() + " --attach)");
        }
        String id = objectId(object);
        Pipeline.Builder b = Pipeline.newBuilder().setName(name == null ? id : name)
                .addObjects(BpfObject.newBuilder().setId(id).setPath(object.toString()));
        for (int i = 0; i < programs.size(); i++) {
            b.addPrograms(Program.newBuilder().setObject(id).setName(programs.get(i)).setAttach(target(attach.get(i))));
        }
        return absolutePaths(b, Path.of("").toAbsolutePath()).build();
    }

    /** {@code tracepoint:CATEGORY:NAME} (also {@code tp:CATEGORY:NAME}). */
    static AttachTarget target(String spec) {
        String[] f = spec.split(":", -1);
        if (f.length == 3 && (f[0].equals("tracepoint") || f[0].equals("tp"))) {
            return AttachTarget.newBuilder().setTracepoint(Tracepoint.newBuilder().setCategory(f[1]).setName(f[2]))
                    .build();
        }
        throw new UserError("--attach '" + spec + "': want tracepoint:CATEGORY:NAME, e.g. "
                + "tracepoint:syscalls:sys_enter_execve");
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
                b.setObjects(i, o.toBuilder().setPath(base.resolve(o.getPath()).normalize().toString()));
            }
        }
        return b;
    }
}
