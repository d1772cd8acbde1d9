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
    private String sha256;
    private boolean coreMade;
    private CoreResolver core;

    PreparedObject(dev.gewyvern.proto.v1.BpfObject spec, byte[] bytes, String sha256, BpfObject parsed) {
        this.spec = spec;
        this.bytes = bytes;
        this.sha256 = sha256;
        this.parsed = parsed;
    }

    /** Reads, checks against the SHA-256 the Pipeline names (if any) and parses one object. */
    static PreparedObject read(dev.gewyvern.proto.v1.BpfObject o) {
        byte[] bytes = bytes(o);
        String sha = null;
        if (!o.getSha256().isEmpty()) {
            sha = sha256(bytes);
            if (!sha.equals(o.getSha256())) {
                throw SessionException.invalid(Step.STAGE, "object '" + o.getId() + "' (" + describe(o) + ") has SHA-256 "
                        + sha + ", not the " + o.getSha256() + " the pipeline expects");
            }
        }
        return new PreparedObject(o, bytes, sha, ObjectLoader.parse(o.getId(), describe(o), bytes));
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
            CoreCandidates target = spec.getTargetBtf().isEmpty() ? null : CoreTargets.file(Path.of(spec.getTargetBtf()));
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

    private static byte[] bytes(dev.gewyvern.proto.v1.BpfObject o) {
        if (o.getSourceCase() != dev.gewyvern.proto.v1.BpfObject.SourceCase.PATH) {
            return o.getContent().toByteArray();
        }
        try {
            return java.nio.file.Files.readAllBytes(Path.of(o.getPath()));
        } catch (java.io.IOException e) {
            String text = "cannot read object '" + o.getId() + "' at " + o.getPath() + ": " + IoErrors.reason(e);
            throw IoErrors.missing(e) ? SessionException.notFound(Step.STAGE, text)
                    : SessionException.system(Step.STAGE, text, e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
