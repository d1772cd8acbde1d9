package dev.gewyvern.session;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.elf.BpfProgram;
import dev.gewyvern.elf.ProgramSection;
import dev.gewyvern.proto.v1.ObjectKind;
import dev.gewyvern.proto.v1.Phase;
import dev.gewyvern.proto.v1.PinnedObject;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.LoadedProgram;

/**
 * One session being applied: create → stage → verify → attach → commit. Until commit every kernel
 * object is held by a file descriptor only, so a failure (or a crash) frees all of it; rollback closes
 * them in reverse order and removes the staging folder.
 */
final class Transaction {
    private final PinRoot root;
    private final String instanceId;
    private final String sessionId;
    private final Pipeline pipeline;
    private final PreparedPipeline prepared;
    private final PhaseListener listener;
    private final int logLevel;

    /** Every fd of the session, in creation order. */
    private final List<Fd> fds = new ArrayList<>();
    private final Map<String, ObjectLoader.Staged> objects = new LinkedHashMap<>();
    private final List<Pin> pins = new ArrayList<>();
    private final SessionRecord.Builder record;
    private RecordMap recordMap;
    private Path staging;
    /** The session's folder once the commit's rename is done. */
    private Path committed;
    private Step step = Step.CREATE;

    private record Pin(String folder, String name, Fd fd, PinnedObject info) {}

    /** How struct_ops maps are registered; null: as the kernel allows. */
    private final StructOpsRegistration structOpsRegistration;

    /**
     * A transaction for {@code sessionId}. {@link #run} expects the id reserved ({@link PinRoot#reserveSession}
     * made its staging folder) and removes that folder on rollback; {@link #plan} touches no folder.
     */
    Transaction(PinRoot root, String instanceId, String sessionId, PreparedPipeline prepared, PhaseListener listener,
            int logLevel, StructOpsRegistration structOpsRegistration) {
        this.root = root;
        this.structOpsRegistration = structOpsRegistration;
        this.instanceId = instanceId;
        this.prepared = prepared;
        this.pipeline = prepared.pipeline();
        this.listener = listener;
        this.logLevel = logLevel;
        this.sessionId = sessionId;
        long now = System.currentTimeMillis();
        this.record = SessionRecord.newBuilder().setSessionId(sessionId).setInstanceId(instanceId)
                .setPipeline(prepared.recorded()).setPhase(Phase.CREATED).setCreatedUnixMs(now)
                .setUpdatedUnixMs(now);
    }

    String sessionId() {
        return sessionId;
    }

    /** Runs every phase; on any failure rolls back and rethrows as a SessionException. */
    SessionRecord run() {
        staging = root.staging(instanceId, sessionId); // reserved by the caller: rollback removes it
        try {
            tell(Step.CREATE, ObjectKind.OBJECT_KIND_SESSION, sessionId, 0, "session " + sessionId);
            stage();
            verify();
            attach();
            return commit();
        } catch (SessionException e) {
            rollback();
            throw e;
        } catch (BpfException e) {
            rollback();
            throw SessionException.of(step, e);
        } catch (RuntimeException e) {
            rollback();
            throw SessionException.internal(step, "unexpected failure: " + e, e);
        }
    }

    /**
     * The dry run: stage, verify and attach with every kernel call written down instead of made (see
     * {@link dev.gewyvern.syscall.DryRun}); nothing is pinned, committed or left behind.
     */
    List<String> plan() {
        try {
            return dev.gewyvern.syscall.DryRun.record(() -> {
                stage();
                verify();
                attach();
                registerByMapUpdate();
                return null;
            });
        } catch (BpfException e) {
            throw SessionException.of(step, e);
        } finally {
            closeAll(); // placeholders close to nothing; real files the attach step opened are closed
        }
    }

    private Fd keep(Fd fd) {
        fds.add(fd);
        return fd;
    }

    /** The step is done: the record says so (pinned from commit on). */
    private void reached(Step done) {
        step = done;
        record.setPhase(done.phase()).setUpdatedUnixMs(System.currentTimeMillis());
        if (recordMap != null) {
            recordMap.write(record.build());
        }
    }

    private void stage() {
        step = Step.STAGE;
        recordMap = RecordMap.create("gew_record", pipeline.getSerializedSize() + 1024);
        keep(recordMap.fd());
        for (PreparedObject o : prepared.objects().values()) {
            BpfObject obj = o.parsed();
            ObjectLoader.Staged staged = ObjectLoader.stage(o, new ObjectLoader.Sink() {
                public Fd keep(Fd fd) {
                    return Transaction.this.keep(fd);
                }

                public void map(String pinName, Fd fd, int kernelId, String detail) {
                    addPin(PinRoot.MAPS, pinName, fd, PinnedObject.Kind.MAP, kernelId, detail);
                }

                public void note(String message) {
                    tell(Step.STAGE, ObjectKind.OBJECT_KIND_OBJECT, o.id(), 0, message);
                }
            });
            objects.put(o.id(), staged);
            tell(Step.STAGE, ObjectKind.OBJECT_KIND_OBJECT, o.id(), 0, "object " + o.id() + ": " + obj.programs().size() + " programs, "
                    + staged.maps().size() + " maps created (" + obj.globalData().size() + " of them global data"
                    + (obj.kconfigSize() > 0 ? ", 1 .kconfig" : "") + ")"
                    + (staged.mapsWithoutBtf().isEmpty() ? "" : "; " + staged.mapsWithoutBtf().size()
                    + " created without their BTF types, which the kernel refused: "
                    + String.join(", ", staged.mapsWithoutBtf())));
        }
        reached(Step.STAGE);
    }

    private void addPin(String folder, String name, Fd fd, PinnedObject.Kind kind, int id, String detail) {
        addPin(folder, name, fd, PinnedObject.newBuilder().setKind(kind).setName(name).setKernelId(id)
                .setDetail(detail).build());
    }

    /** A program's pin, with what verifying it cost. */
    private void addProgram(String name, LoadedProgram loaded, int id, String detail) {
        dev.gewyvern.syscall.VerifierStats v = loaded.stats();
        addPin(PinRoot.PROGS, name, loaded.fd(), PinnedObject.newBuilder().setKind(PinnedObject.Kind.PROGRAM)
                .setName(name).setKernelId(id).setDetail(detail).setVerification(dev.gewyvern.proto.v1.Verification
                        .newBuilder().setProcessedInsns(v.processedInsns()).setVerifierTimeUs(v.verificationMicros())
                        .setLoadCallNs(v.loadNanos())).build());
    }

    private void addPin(String folder, String name, Fd fd, PinnedObject info) {
        // every pin's name is checked here, long before the pin pass makes any file: names from the ELF
        // (tail-call targets, struct_ops programs, maps) are whatever the object's author wrote
        Ids.checkObjectName(folder.equals(PinRoot.MAPS) ? "map" : folder.equals(PinRoot.LINKS) ? "link" : "program",
                name);
        for (Pin p : pins) {
            if (p.folder.equals(folder) && p.name.equals(name)) {
                throw SessionException.invalid(step, "two " + folder + " of this session are named '" + name
                        + "'; names must be unique within a session");
            }
        }
        pins.add(new Pin(folder, name, fd, info));
        record.addObjects(info);
    }

    private final Map<Program, Fd> programFds = new LinkedHashMap<>();
    private final Map<Program, ProgramSection.Match> sections = new LinkedHashMap<>();

    /** The struct_ops maps of the Pipeline's struct_ops targets, filled and waiting for their link. */
    private final Map<Program, StructOpsLoader.Prepared> structOps = new LinkedHashMap<>();

    private void verify() {
        step = Step.VERIFY;
        for (Program p : pipeline.getProgramsList()) {
            ObjectLoader.Staged l = objects.get(p.getObject());
            if (p.getAttach().hasStructOps() || loadOnlyStructOps(p, l)) {
                prepareStructOps(p, l);
                continue;
            }
            BpfProgram prog = ObjectLoader.program(l, p.getName());
            ProgramSection.Match match = ObjectLoader.section(l, prog);
            sections.put(p, match);
            LoadedProgram loaded = ObjectLoader.load(l, p.getName(), logLevel,
                    p.getAttach().hasFreplace() ? freplaceTarget(p, l, match) : null);
            Fd fd = keep(loaded.fd());
            programFds.put(p, fd);
            var info = Bpf.progInfo(fd);
            addProgram(p.getName(), loaded, info.id(),
                    match.kind().progType().constant() + " from " + p.getObject() + " section " + prog.sectionName());
            tell(Step.VERIFY, ObjectKind.OBJECT_KIND_PROGRAM, p.getName(), info.id(), "program " + p.getName()
                    + ": verified (" + info.verifiedInsns()
                    + " instructions processed, id " + info.id() + ")");
        }
        for (ObjectLoader.Staged l : objects.values()) {
            Map<String, Fd> targets = new LinkedHashMap<>();
            ObjectLoader.fillProgramArrays(l, name -> targets.computeIfAbsent(name, n -> {
                for (Map.Entry<Program, Fd> e : programFds.entrySet()) {
                    if (e.getKey().getObject().equals(l.id()) && e.getKey().getName().equals(name)) {
                        return e.getValue();
                    }
                }
                // a tail-call target the Pipeline does not attach: loaded and pinned, not attached; its name comes
                // from the ELF, so it is checked before the kernel or the filesystem sees it
                Ids.checkObjectName("program", name);
                LoadedProgram loaded = ObjectLoader.load(l, name, logLevel);
                Fd fd = keep(loaded.fd());
                int id = Bpf.progInfo(fd).id();
                addProgram(name, loaded, id, "program array target from " + l.id());
                tell(Step.VERIFY, ObjectKind.OBJECT_KIND_PROGRAM, name, id, "program " + name
                        + ": verified (program array target)");
                return fd;
            }));
        }
        reached(Step.VERIFY);
    }

    /**
     * A load-only entry naming a struct_ops map (as {@code --load-only} lists them): the map is created and its
     * programs loaded, as for registration, but nothing registers it.
     */
    static boolean loadOnlyStructOps(Program p, ObjectLoader.Staged l) {
        return p.getAttach().hasLoadOnly() && l.object().program(p.getName()).isEmpty()
                && l.object().structOps(p.getName()).isPresent();
    }

    /** Loads the programs of a struct_ops map, then creates the map and writes its value (registered at attach). */
    private void prepareStructOps(Program p, ObjectLoader.Staged l) {
        StructOpsRegistration registration = structOpsRegistration != null ? structOpsRegistration
                : StructOpsRegistration.forKernel(dev.gewyvern.syscall.kernel.KernelTypes.running());
        StructOpsLoader.Prepared prepared = StructOpsLoader.prepare(l, p.getName(), registration, (name, target) -> {
            Ids.checkObjectName("program", name); // a struct_ops member's program, named by the ELF
            LoadedProgram loaded = ObjectLoader.load(l, name, logLevel, target);
            Fd fd = keep(loaded.fd());
            var info = Bpf.progInfo(fd);
            addPin(PinRoot.PROGS, name, fd, PinnedObject.Kind.PROGRAM, info.id(), "BPF_PROG_TYPE_STRUCT_OPS from "
                    + p.getObject() + " for " + target.describe());
            tell(Step.VERIFY, ObjectKind.OBJECT_KIND_PROGRAM, name, info.id(), "program " + name + ": verified ("
                    + info.verifiedInsns()
                    + " instructions processed, id " + info.id() + ", " + target.describe() + ")");
            return fd;
        }, this::keep);
        int mapId = Bpf.mapInfo(prepared.map()).id();
        addPin(PinRoot.MAPS, p.getName(), prepared.map(), PinnedObject.Kind.MAP, mapId,
                "struct_ops " + prepared.typeName() + " of object " + p.getObject());
        structOps.put(p, prepared);
        tell(Step.VERIFY, ObjectKind.OBJECT_KIND_MAP, p.getName(), mapId, "struct_ops map " + p.getName() + ": a "
                + prepared.typeName() + " of " + prepared.programs().size() + " programs, " + (p.getAttach().hasLoadOnly()
                ? (registration == StructOpsRegistration.LINK ? "value written" : "value not written (without "
                + "BPF_F_LINK writing it registers it)") + "; load-only: not registered"
                : registration == StructOpsRegistration.LINK ? "value written"
                : "value kept for registration at commit (no BPF_F_LINK: by map update)"));
    }

    /**
     * A freplace program's load target: the program it replaces a function of (one of this session's, loaded
     * earlier, or a pinned one) and that function's id in the target program's BTF, found by the name the
     * section gives, as libbpf finds it.
     */
    private ObjectLoader.LoadTarget freplaceTarget(Program p, ObjectLoader.Staged l, ProgramSection.Match match) {
        if (match.kind() != ProgramSection.FREPLACE) {
            throw SessionException.invalid(Step.VERIFY, "program '" + p.getName() + "' is a " + match.kind().progType().constant()
                    + " program (section '" + match.section() + "'); a freplace target needs a freplace/<function> "
                    + "section");
        }
        String function = match.name();
        if (function.isEmpty()) {
            throw SessionException.invalid(Step.VERIFY, "program '" + p.getName() + "' (section '" + match.section()
                    + "') must name the function it replaces: freplace/<function>");
        }
        var f = p.getAttach().getFreplace();
        Fd target;
        dev.gewyvern.btf.Btf btf;
        String describe;
        if (f.hasPinned()) {
            // only programs gewyvern pinned may be replaced (SPEC §6): anything else in bpffs is another tool's
            java.nio.file.Path pinned = java.nio.file.Path.of(f.getPinned());
            if (!pinned.isAbsolute() || !pinned.normalize().equals(pinned) || !pinned.startsWith(root.path())
                    || pinned.equals(root.path())) {
                throw SessionException.invalid(Step.VERIFY, "program '" + p.getName() + "': freplace.pinned '"
                        + f.getPinned() + "' is not inside gewyvern's pin root " + root.path() + ": only a program "
                        + "gewyvern pinned, or a program of this session (freplace.program), can be a freplace target");
            }
            if (dev.gewyvern.syscall.DryRun.recording()) {
                throw SessionException.invalid(Step.VERIFY, "program '" + p.getName() + "': a dry run cannot plan the "
                        + "replacement of a function of the pinned program " + f.getPinned() + ": finding the function "
                        + "needs that program's BTF, read with bpf(2) calls a dry run does not make");
            }
            target = keep(Bpf.get(f.getPinned(), "program"));
            int btfId = Bpf.progInfo(target).btfId();
            if (btfId == 0) {
                throw SessionException.invalid(Step.VERIFY, "program '" + p.getName() + "': the pinned program " + f.getPinned()
                        + " has no BTF, so no function of it can be replaced");
            }
            btf = dev.gewyvern.btf.Btf.parse(Bpf.btf(btfId).btf());
            describe = "freplace of " + function + " in " + f.getPinned();
        } else {
            Map.Entry<Program, Fd> found = null;
            for (Map.Entry<Program, Fd> e : programFds.entrySet()) {
                if (e.getKey().getName().equals(f.getProgram())) {
                    found = e;
                }
            }
            if (found == null) {
                throw SessionException.invalid(Step.VERIFY, "program '" + p.getName() + "' replaces a function of program '"
                        + f.getProgram() + "', which is not a program listed before it in this pipeline");
            }
            target = found.getValue();
            btf = objects.get(found.getKey().getObject()).object().btf().orElseThrow(() -> SessionException.invalid(
                    Step.VERIFY, "program '" + f.getProgram() + "' has no BTF, so no function of it can be replaced"));
            describe = "freplace of " + function + " in program " + f.getProgram();
        }
        int id = btf.find(dev.gewyvern.btf.BtfKind.FUNC, function);
        if (id < 0) {
            throw SessionException.notFound(Step.VERIFY, "program '" + p.getName() + "': the target program's BTF has no "
                    + "function '" + function + "' (only global, non-inlined functions can be replaced)");
        }
        return new ObjectLoader.LoadTarget(0, id, target.value(), describe);
    }

    private void attach() {
        step = Step.ATTACH;
        for (Map.Entry<Program, StructOpsLoader.Prepared> e : structOps.entrySet()) {
            if (e.getKey().getAttach().hasLoadOnly() || e.getValue().registration() != StructOpsRegistration.LINK) {
                continue; // load-only: never registered; by map update: registered at commit, once pinned
            }
            String name = e.getKey().getName();
            Fd link = keep(dev.gewyvern.syscall.link.Links.structOps(e.getValue().map(), name));
            String target = "struct_ops:" + name + " (" + e.getValue().typeName() + ")";
            int linkId = Bpf.linkInfo(link).id();
            addPin(PinRoot.LINKS, name, link, PinnedObject.Kind.LINK, linkId, name + " -> " + target);
            tell(Step.ATTACH, ObjectKind.OBJECT_KIND_LINK, name, linkId, "struct_ops map " + name
                    + " -> registered as a " + e.getValue().typeName());
        }
        for (Map.Entry<Program, Fd> e : programFds.entrySet()) {
            Program p = e.getKey();
            if (p.getAttach().hasLoadOnly()) {
                continue; // loaded and pinned, attached to nothing
            }
            Attacher.Attached attached = Attacher.attach(p, e.getValue(), sections.get(p));
            Fd link = keep(attached.link());
            String target = attached.target();
            int linkId = Bpf.linkInfo(link).id();
            addPin(PinRoot.LINKS, p.getName(), link, PinnedObject.Kind.LINK, linkId, p.getName() + " -> " + target);
            tell(Step.ATTACH, ObjectKind.OBJECT_KIND_LINK, p.getName(), linkId, "program " + p.getName() + " -> "
                    + target);
        }
        reached(Step.ATTACH);
    }

    private SessionRecord commit() {
        step = Step.COMMIT;
        for (String sub : List.of(PinRoot.MAPS, PinRoot.PROGS, PinRoot.LINKS)) {
            PinRoot.mkdir(staging.resolve(sub));
        }
        reached(Step.COMMIT);
        Bpf.pin(recordMap.fd(), staging.resolve(PinRoot.RECORD).toString());
        for (Pin p : pins) {
            Bpf.pin(p.fd, staging.resolve(p.folder).resolve(p.name).toString());
        }
        registerByMapUpdate(); // pinned in staging: a crash from here on leaves pins the next start cleans
        Path dest = root.session(instanceId, sessionId);
        root.commit(staging, dest);
        staging = null;
        committed = dest;
        // committed: from now on the pins hold the objects, not this process
        closeAll();
        tell(Step.COMMIT, ObjectKind.OBJECT_KIND_SESSION, sessionId, 0, "pinned at " + dest);
        return record.build();
    }

    /**
     * The classic registration of struct_ops maps made without BPF_F_LINK: their value written to their one
     * element. Made only once the map is pinned, since the registration holds the map by itself and only a
     * pin lets a later detach (or the cleaning of a dead instance) find it and delete the element.
     */
    private void registerByMapUpdate() {
        for (Map.Entry<Program, StructOpsLoader.Prepared> e : structOps.entrySet()) {
            StructOpsLoader.Prepared prepared = e.getValue();
            if (prepared.registration() == StructOpsRegistration.MAP_UPDATE && !e.getKey().getAttach().hasLoadOnly()) {
                StructOpsRegistration.register(prepared.map(), prepared.value());
                tell(step, ObjectKind.OBJECT_KIND_MAP, e.getKey().getName(), 0, "struct_ops map " + e.getKey().getName()
                        + " -> registered as a " + prepared.typeName() + " (by map update: the pinned map holds the "
                        + "registration)");
            }
        }
    }

    private void closeAll() {
        for (int i = fds.size() - 1; i >= 0; i--) {
            fds.get(i).close();
        }
        fds.clear();
    }

    private void rollback() {
        Step failed = step;
        closeAll();
        // a failure after the rename (the last step of commit) undoes the commit too
        for (Path folder : new Path[] {staging, committed}) {
            if (folder != null) {
                try {
                    PinRoot.removeSessionFolder(folder);
                } catch (SessionException e) {
                    tellQuietly("could not remove " + folder + ": " + e.getMessage());
                }
            }
        }
        tellQuietly("session " + sessionId + " rolled back after a failure in " + failed.word()
                + "; nothing of it is left in the kernel");
    }

    /** Tells the listener; a listener that throws fails the session (and it is rolled back). */
    private void tell(Step at, ObjectKind kind, String name, int kernelId, String text) {
        listener.event(new PhaseEvent(sessionId, at.phase(), kind, name, kernelId, text));
    }

    /** Tells the listener during rollback, which a listener's failure must not turn into a second one. */
    private void tellQuietly(String text) {
        try {
            tell(Step.ROLLBACK, ObjectKind.OBJECT_KIND_SESSION, sessionId, 0, text);
        } catch (RuntimeException e) {
            // the rollback goes on regardless
        }
    }
}
