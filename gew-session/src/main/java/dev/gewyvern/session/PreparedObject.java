package dev.gewyvern.session;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.gewyvern.btf.CoreCandidates;
import dev.gewyvern.btf.CoreResolver;
import dev.gewyvern.elf.BpfObject;

/**
 * One object of a {@link PreparedPipeline}: its Pipeline entry, the bytes read once (from its path, or its
 * inline content), and those bytes parsed once. Its CO-RE resolver, when it has relocations, is made on
 * first use and then shared by the compatibility check and the load, so both see the same answers.
 */
final class PreparedObject {
    private final dev.gewyvern.proto.v1.BpfObject spec;
    private final byte[] bytes;
    private final BpfObject parsed;
    /** The target_btf file's bytes, read with the object (null when it names none). */
    private final byte[] targetBtf;
    private String sha256;
    private boolean coreMade;
    private CoreResolver core;

    PreparedObject(dev.gewyvern.proto.v1.BpfObject spec, byte[] bytes, String sha256, BpfObject parsed,
                   byte[] targetBtf) {
        this.spec = spec;
        this.bytes = bytes;
        this.sha256 = sha256;
        this.parsed = parsed;
        this.targetBtf = targetBtf;
    }

    /**
     * Reads (any path: the local rule), checks against the SHA-256 the Pipeline names (if any) and parses one
     * object, of either byte order (the compatibility check refuses the other one as a requirement; loading it
     * is a stage error).
     */
    static PreparedObject read(dev.gewyvern.proto.v1.BpfObject o) {
        return read(o, "objects[?]", ObjectFiles.ANYWHERE);
    }

    /**
     * Reads the object and its target_btf by {@code files}' rule ({@code field}, e.g. "objects[0]", names the
     * Pipeline entry in errors),
     * checks the SHA-256 the Pipeline names (if any) and parses the object (of either byte order). A mismatch names the expected
     * digest only: no error quotes a file's content or a digest of it.
     */
    static PreparedObject read(dev.gewyvern.proto.v1.BpfObject o, String field, ObjectFiles files) {
        String what = "object '" + o.getId() + "'";
        byte[] bytes = o.getSourceCase() == dev.gewyvern.proto.v1.BpfObject.SourceCase.PATH
                ? files.read(field + ".path", what, o.getPath()) : o.getContent().toByteArray();
        String sha = null;
        if (!o.getSha256().isEmpty()) {
            sha = sha256(bytes);
            if (!sha.equals(o.getSha256())) {
                throw SessionException.invalid(Step.STAGE, "object '" + o.getId() + "' (" + describe(o) + ") does not "
                        + "have the SHA-256 the pipeline expects (" + o.getSha256() + ")");
            }
        }
        byte[] target = o.getTargetBtf().isEmpty() ? null
                : files.read(field + ".target_btf", "target BTF", o.getTargetBtf());
        return new PreparedObject(o, bytes, sha, ObjectLoader.read(o.getId(), describe(o), bytes), target);
    }

    String id() {
        return spec.getId();
    }

    /** The object as the Pipeline gives it (path or content, target BTF, sizes, globals). */
    dev.gewyvern.proto.v1.BpfObject spec() {
        return spec;
    }

    BpfObject parsed() {
        return parsed;
    }

    /** Where the bytes came from, for messages: the path, or "N bytes inline". */
    String describe() {
        return describe(spec);
    }

    /**
     * The SHA-256 of the bytes that were read, in lower-case hex. Computed on first need only: the JDK's
     * first MessageDigest costs tens of milliseconds of provider set-up, which an apply from a path skips.
     */
    synchronized String sha256() {
        if (sha256 == null) {
            sha256 = sha256(bytes);
        }
        return sha256;
    }

    /**
     * The resolver of the object's CO-RE relocations against its target_btf or the running kernel, or null
     * when no program has one (a target_btf is still read, so that a wrong path fails here). Made once.
     */
    synchronized CoreResolver core() {
        if (!coreMade) {
            CoreCandidates target = targetBtf == null ? null : CoreTargets.file(Path.of(spec.getTargetBtf()), targetBtf);
            boolean relocations = parsed.programs().stream().anyMatch(p -> !p.coreRelocations().isEmpty());
            if (relocations && parsed.btf().isPresent()) {
                core = new CoreResolver(parsed.btf().get(), parsed.btfExt().orElse(null),
                        target != null ? target : CoreTargets.kernel());
            }
            coreMade = true;
        }
        return core;
    }

    static String describe(dev.gewyvern.proto.v1.BpfObject o) {
        return o.getSourceCase() == dev.gewyvern.proto.v1.BpfObject.SourceCase.PATH ? o.getPath()
                : o.getContent().size() + " bytes inline";
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
