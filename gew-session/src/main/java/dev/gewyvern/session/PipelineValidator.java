package dev.gewyvern.session;

import java.util.HashSet;
import java.util.Set;

import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;

/** Checks a Pipeline before anything touches the kernel; every error names the field path and the rule. */
final class PipelineValidator {
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("^$|^[a-z0-9][a-z0-9_-]{0,40}$");
    private static final java.util.regex.Pattern HEX64 = java.util.regex.Pattern.compile("^$|^[0-9a-f]{64}$");
    private static final java.util.regex.Pattern TP = java.util.regex.Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$");

    private PipelineValidator() {
    }

    private static SessionException bad(String field, String rule) {
        return SessionException.invalid(Step.CREATE, "invalid pipeline: " + field + ": " + rule);
    }

    static void validate(Pipeline p) {
        if (!NAME.matcher(p.getName()).matches()) {
            throw bad("name", "'" + p.getName() + "' must match [a-z0-9][a-z0-9_-]{0,40}");
        }
        if (p.getObjectsCount() == 0) {
            throw bad("objects", "at least one object is needed");
        }
        if (p.getProgramsCount() == 0) {
            throw bad("programs", "at least one program is needed");
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < p.getObjectsCount(); i++) {
            BpfObject o = p.getObjects(i);
            String f = "objects[" + i + "]";
            if (!Ids.ID.matcher(o.getId()).matches()) {
                throw bad(f + ".id", "'" + o.getId() + "' must match " + Ids.ID.pattern());
            }
            if (!ids.add(o.getId())) {
                throw bad(f + ".id", "'" + o.getId() + "' is used twice");
            }
            switch (o.getSourceCase()) {
                case PATH -> {
                    if (!o.getPath().startsWith("/")) {
                        throw bad(f + ".path", "'" + o.getPath() + "' must be absolute");
                    }
                }
                case CONTENT -> {
                    if (o.getContent().isEmpty()) {
                        throw bad(f + ".content", "is empty");
                    }
                }
                default -> throw bad(f, "needs a path or a content");
            }
            if (!HEX64.matcher(o.getSha256()).matches()) {
                throw bad(f + ".sha256", "must be 64 lower-case hex digits");
            }
            if (!o.getTargetBtf().isEmpty() && !o.getTargetBtf().startsWith("/")) {
                throw bad(f + ".target_btf", "'" + o.getTargetBtf() + "' must be absolute");
            }
        }
        Set<String> programs = new HashSet<>();
        for (int i = 0; i < p.getProgramsCount(); i++) {
            Program pr = p.getPrograms(i);
            String f = "programs[" + i + "]";
            if (!ids.contains(pr.getObject())) {
                throw bad(f + ".object", "'" + pr.getObject() + "' is not the id of an object of this pipeline");
            }
            if (!Ids.OBJECT_NAME.matcher(pr.getName()).matches()) {
                throw bad(f + ".name", "'" + pr.getName() + "' must be a C identifier");
            }
            if (!programs.add(pr.getObject() + "/" + pr.getName())) {
                throw bad(f, "program '" + pr.getName() + "' of object '" + pr.getObject() + "' is listed twice");
            }
            AttachTarget a = pr.getAttach();
            switch (a.getKindCase()) {
                case TRACEPOINT -> {
                    if (!TP.matcher(a.getTracepoint().getCategory()).matches()) {
                        throw bad(f + ".attach.tracepoint.category", "'" + a.getTracepoint().getCategory()
                                + "' is not a tracefs event category");
                    }
                    if (!TP.matcher(a.getTracepoint().getName()).matches()) {
                        throw bad(f + ".attach.tracepoint.name", "'" + a.getTracepoint().getName()
                                + "' is not a tracefs event name");
                    }
                }
                case LOAD_ONLY -> { }
                default -> Attacher.validate(f + ".attach", a);
            }
        }
    }
}
