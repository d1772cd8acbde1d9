package dev.gewyvern.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.gewyvern.elf.BpfMap;
import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.elf.BpfProgram;
import dev.gewyvern.proto.v1.ObjectCheck;
import dev.gewyvern.proto.v1.PinnedObject;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.ProgramCheck;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.proto.v1.Verification;
import dev.gewyvern.session.Engine;
import dev.gewyvern.session.PhaseListener;
import dev.gewyvern.session.SessionException;

/**
 * Whether an object loads on this kernel: first every program it can load, together, in one throwaway
 * load-only session (the Pipeline {@code gew session apply --object FILE --load-only} applies); when that
 * fails (or with {@code each}), each program alone in a session of its own (the Pipeline of
 * {@code --program P --attach none}). Every session is detached at once; a failed one rolled back.
 */
final class ObjectChecker {
    private final Engine engine;
    private final List<String> mapSizes;
    private final boolean each;

    ObjectChecker(Engine engine, List<String> mapSizes, boolean each) {
        this.engine = engine;
        this.mapSizes = List.copyOf(mapSizes);
        this.each = each;
    }

    ObjectCheck check(Path file) {
        ObjectCheck.Builder out = ObjectCheck.newBuilder().setPath(file.toString());
        BpfObject obj;
        try {
            obj = BpfObject.parse(Files.readAllBytes(file));
        } catch (IOException e) {
            return out.setReason("cannot read " + file + ": " + dev.gewyvern.session.IoErrors.reason(e)).build();
        } catch (RuntimeException e) {
            return out.setReason("not a usable BPF object: " + e.getMessage()).build();
        }
        List<String> sizes = sizesFor(obj);
        out.addAllMapSizes(sizes);
        List<BpfProgram> loadable = new ArrayList<>();
        for (BpfProgram p : obj.programs()) {
            if (p.loadProblem().isEmpty()) {
                loadable.add(p);
            }
        }
        if (!obj.unloadable().isEmpty() || loadable.isEmpty()) {
            String why = !obj.unloadable().isEmpty() ? "the object cannot be loaded: " + String.join("; ",
                    obj.unloadable().stream().map(Object::toString).toList()) : "no program of the object can be loaded";
            out.setReason(why);
            for (BpfProgram p : obj.programs()) {
                out.addPrograms(row(p).setTrial(ProgramCheck.Trial.NOT_TRIED)
                        .setReason(p.loadProblem().orElse(why)));
            }
            return out.build();
        }
        Attempt whole = attempt(file, sizes, loadable.stream().map(BpfProgram::name).toList());
        int cannot = obj.programs().size() - loadable.size();
        // whole means every program: one the object says cannot be loaded keeps it from loading whole
        out.setLoads(whole.error == null && cannot == 0).setReason(whole.error != null ? reason(whole.error)
                : cannot == 0 ? "" : cannot + " of its " + obj.programs().size() + " programs cannot be loaded; the "
                + "others load together");
        for (BpfProgram p : obj.programs()) {
            if (p.loadProblem().isPresent()) {
                out.addPrograms(row(p).setTrial(ProgramCheck.Trial.NOT_TRIED).setReason(p.loadProblem().get()));
            } else if (whole.error == null && !each) {
                out.addPrograms(row(p).setTrial(ProgramCheck.Trial.WITH_OBJECT).setLoads(true)
                        .setVerification(whole.verification(p.name())));
            } else {
                Attempt alone = attempt(file, sizes, List.of(p.name()));
                ProgramCheck.Builder r = row(p).setTrial(ProgramCheck.Trial.ALONE).setLoads(alone.error == null);
                if (alone.error == null) {
                    r.setVerification(alone.verification(p.name()));
                } else {
                    r.setReason(reason(alone.error)).setVerification(refusedCost(alone.error));
                }
                out.addPrograms(r);
            }
        }
        return out.build();
    }

    /** The --map-size values naming a map of this object (the others are for other objects). */
    private List<String> sizesFor(BpfObject obj) {
        Set<String> names = new TreeSet<>();
        obj.maps().stream().map(BpfMap::name).forEach(names::add);
        List<String> out = new ArrayList<>();
        for (String s : mapSizes) {
            int eq = s.indexOf('=');
            if (eq > 0 && names.contains(s.substring(0, eq))) {
                out.add(s);
            }
        }
        return out;
    }

    private static ProgramCheck.Builder row(BpfProgram p) {
        return ProgramCheck.newBuilder().setName(p.name()).setSection(p.sectionName())
                .setProgType(p.section().map(m -> m.kind().progType().name()
                        .toLowerCase(java.util.Locale.ROOT)).orElse(""));
    }

    /** One throwaway session: applied, then detached; its record, or the failure. */
    private record Attempt(SessionRecord record, SessionException error) {
        Verification verification(String program) {
            for (PinnedObject o : record.getObjectsList()) {
                if (o.getKind() == PinnedObject.Kind.PROGRAM && o.getName().equals(program)) {
                    return o.getVerification();
                }
            }
            return Verification.getDefaultInstance();
        }
    }

    private Attempt attempt(Path file, List<String> sizes, List<String> programs) {
        Pipeline p = PipelineFiles.withSettings(PipelineFiles.fromFlags("check", file, programs,
                java.util.Collections.nCopies(programs.size(), "none")), file, sizes, List.of());
        try {
            SessionRecord rec = engine.apply(p, PhaseListener.SILENT, 1);
            engine.detach(rec.getSessionId());
            return new Attempt(rec, null);
        } catch (SessionException e) {
            return new Attempt(null, e);
        }
    }

    /**
     * Why a session failed, in a line: the CO-RE relocation that poisoned the program (with its source
     * line), else the verifier's last words, else the kernel's answer (errno and what it means), else the
     * message.
     */
    static String reason(SessionException e) {
        String m = e.getMessage();
        int poison = m.indexOf("could not be resolved:\n  ");
        if (poison >= 0) {
            String culprit = m.substring(poison + "could not be resolved:\n  ".length());
            int end = culprit.indexOf('\n');
            return "CO-RE: " + (end < 0 ? culprit : culprit.substring(0, end));
        }
        String last = lastWords(e.verifierLog());
        if (last != null) {
            return "verifier: " + last;
        }
        int failed = m.indexOf(" failed: ");
        String first = m.lines().findFirst().orElse(m);
        return failed >= 0 && failed < first.length() ? first.substring(failed + " failed: ".length()) : first;
    }

    /** The verifier log's last line that is not its statistics, or null. */
    static String lastWords(String log) {
        if (log == null) {
            return null;
        }
        List<String> lines = log.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            String l = lines.get(i);
            if (!l.startsWith("processed ") && !l.startsWith("verification time") && !l.startsWith("stack depth")
                    && !l.startsWith("mark_precise") && !l.startsWith("max_states_per_insn")) {
                return l;
            }
        }
        return null;
    }

    /** What the verifier's log says a refused load cost. */
    private static Verification refusedCost(SessionException e) {
        dev.gewyvern.syscall.VerifierStats s = dev.gewyvern.syscall.VerifierStats.parse(e.verifierLog(), 0);
        return Verification.newBuilder().setProcessedInsns(s.processedInsns()).setVerifierTimeUs(s.verificationMicros())
                .build();
    }
}
