package dev.gewyvern.session;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.gewyvern.proto.v1.Pipeline;

/**
 * A Pipeline made ready to apply: validated once, each object's bytes read once (from its path or inline,
 * checked against the SHA-256 the Pipeline names) and parsed once. The compatibility check, the dry run's
 * plan and the transaction all work from this one value, so what was checked is what is loaded: a file
 * that changes on disk after preparing is not read again. Make one with {@link #of(Pipeline)}; it may be
 * applied once, or checked and planned any number of times.
 */
public final class PreparedPipeline {
    private final Pipeline pipeline;
    private final Map<String, PreparedObject> objects;

    private PreparedPipeline(Pipeline pipeline, Map<String, PreparedObject> objects) {
        this.pipeline = pipeline;
        this.objects = objects;
    }

    /**
     * Validates {@code pipeline}, then reads and parses each of its objects. Throws a SessionException naming
     * the field that is invalid, or the object that cannot be read, does not match its SHA-256, or does not
     * parse.
     */
    public static PreparedPipeline of(Pipeline pipeline) {
        return of(pipeline, ObjectFiles.ANYWHERE);
    }

    /**
     * As {@link #of(Pipeline)}, reading the files the pipeline names (objects by path, target_btf) by
     * {@code files}' rule. Every file is read here, once: nothing later (the compatibility check, the load)
     * reads one again, so a caller that prepares before it takes any lock never holds it on file I/O.
     */
    public static PreparedPipeline of(Pipeline pipeline, ObjectFiles files) {
        PipelineValidator.validate(pipeline);
        Map<String, PreparedObject> objects = new LinkedHashMap<>();
        for (int i = 0; i < pipeline.getObjectsCount(); i++) {
            dev.gewyvern.proto.v1.BpfObject o = pipeline.getObjects(i);
            objects.put(o.getId(), PreparedObject.read(o, "objects[" + i + "]", files));
        }
        return new PreparedPipeline(pipeline, Collections.unmodifiableMap(objects));
    }

    /** The Pipeline as given. */
    public Pipeline pipeline() {
        return pipeline;
    }

    /** The objects in the Pipeline's order, by id. */
    Map<String, PreparedObject> objects() {
        return objects;
    }

    /** The object with this id (validation made sure every program's object exists). */
    PreparedObject object(String id) {
        return objects.get(id);
    }

    /** The Pipeline as a session records it: inline object bytes are replaced by their SHA-256. */
    Pipeline recorded() {
        List<Integer> inline = new ArrayList<>();
        for (int i = 0; i < pipeline.getObjectsCount(); i++) {
            if (pipeline.getObjects(i).getSourceCase() == dev.gewyvern.proto.v1.BpfObject.SourceCase.CONTENT) {
                inline.add(i);
            }
        }
        if (inline.isEmpty()) {
            return pipeline;
        }
        Pipeline.Builder b = pipeline.toBuilder();
        for (int i : inline) {
            var o = b.getObjects(i);
            b.setObjects(i, o.toBuilder().clearContent().setSha256(objects.get(o.getId()).sha256()));
        }
        return b.build();
    }
}
