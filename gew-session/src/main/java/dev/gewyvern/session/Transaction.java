package dev.gewyvern.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.gewyvern.btf.BtfException;
import dev.gewyvern.elf.BpfMap;
import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.elf.BpfProgram;
import dev.gewyvern.elf.ElfException;
import dev.gewyvern.elf.FuncInfo;
import dev.gewyvern.elf.GlobalData;
import dev.gewyvern.elf.LineInfo;
import dev.gewyvern.elf.ProgramSection;
import dev.gewyvern.proto.v1.BpfObject.SourceCase;
import dev.gewyvern.proto.v1.Phase;
import dev.gewyvern.proto.v1.PinnedObject;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.LoadedProgram;
import dev.gewyvern.syscall.MapCreateAttr;
import dev.gewyvern.syscall.NativeArg;
import dev.gewyvern.syscall.ProgLoadAttr;
import dev.gewyvern.syscall.Tracepoints;

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
    private final PhaseListener listener;
    private final int logLevel;

    /** Every fd of the session, in creation order. */
    private final List<Fd> fds = new ArrayList<>();
    private final Map<String, Loaded> objects = new LinkedHashMap<>();
    private final List<Pin> pins = new ArrayList<>();
    private final SessionRecord.Builder record;
    private RecordMap recordMap;
    private Path staging;
    private String phase = "create";

    private record Loaded(BpfObject object, Fd btf, Map<String, Fd> maps) {}

    private record Pin(String folder, String name, Fd fd, PinnedObject info) {}

    Transaction(PinRoot root, String instanceId, Pipeline pipeline, PhaseListener listener, int logLevel) {
        this.root = root;
        this.instanceId = instanceId;
        this.pipeline = pipeline;
        this.listener = listener;
        this.logLevel = logLevel;
        this.sessionId = Ids.sessionId(pipeline.getName());
        long now = System.currentTimeMillis();
        this.record = SessionRecord.newBuilder().setSessionId(sessionId).setInstanceId(instanceId)
                .setPipeline(withoutContent(pipeline)).setPhase(Phase.CREATED).setCreatedUnixMs(now)
                .setUpdatedUnixMs(now);
    }

    String sessionId() {
        return sessionId;
    }

    /** Runs every phase; on any failure rolls back and rethrows as a SessionException. */
    SessionRecord run() {
        try {
            listener.event("create", "session " + sessionId);
            stage();
            verify();
            attach();
            return commit();
        } catch (SessionException e) {
            rollback();
            throw e;
        } catch (BpfException e) {
            rollback();
            throw new SessionException(phase, e.getMessage(), e.verifierLog(), e);
        } catch (RuntimeException e) {
            rollback();
            throw new SessionException(phase, "unexpected failure: " + e, null, e);
        }
    }

    private Fd keep(Fd fd) {
        fds.add(fd);
        return fd;
    }

    private void phase(String name, Phase p) {
        phase = name;
        record.setPhase(p).setUpdatedUnixMs(System.currentTimeMillis());
        if (recordMap != null) {
            recordMap.write(record.build());
        }
    }

    private void stage() {
        phase = "stage";
        recordMap = RecordMap.create("gew_record", pipeline.getSerializedSize() + 1024);
        keep(recordMap.fd());
        for (dev.gewyvern.proto.v1.BpfObject o : pipeline.getObjectsList()) {
            byte[] bytes = objectBytes(o);
            BpfObject obj;
            try {
                obj = BpfObject.parse(bytes);
            } catch (ElfException | BtfException e) {
                throw new SessionException("stage", "object '" + o.getId() + "' (" + describe(o) + ") is not a "
                        + "usable BPF object: " + e.getMessage());
            }
            if (obj.byteOrder() != ByteOrder.nativeOrder()) {
                throw new SessionException("stage", "object '" + o.getId() + "' is " + obj.byteOrder()
                        + " but this host is " + ByteOrder.nativeOrder() + ": rebuild it with clang -target bpf");
            }
            Fd btf = null;
            if (obj.kernelBtf().isPresent()) {
                btf = keep(Bpf.loadBtf(obj.kernelBtf().get(), "object '" + o.getId() + "'"));
            }
            Map<String, Fd> maps = new LinkedHashMap<>();
            ObjectSettings.checkMapNames(o, obj);
            Map<String, byte[]> globals = ObjectSettings.globalData(o, obj);
            for (BpfMap declared : obj.maps()) {
                BpfMap m = ObjectSettings.sized(o, declared);
                Ids.checkObjectName("map", m.name());
                boolean typed = btf != null && m.btfKeyTypeId() != 0 && m.btfValueTypeId() != 0;
                Fd fd = keep(Bpf.createMap(new MapCreateAttr(m.type(), m.keySize(), m.valueSize(), m.maxEntries(),
                        m.flags(), 0, m.numaNode(), m.name(), typed ? btf.value() : 0,
                        typed ? m.btfKeyTypeId() : 0, typed ? m.btfValueTypeId() : 0, m.mapExtra())));
                maps.put(m.name(), fd);
                addPin(PinRoot.MAPS, m.name(), fd, PinnedObject.Kind.MAP, Bpf.mapInfo(fd).id(),
                        "object " + o.getId());
            }
            for (GlobalData g : obj.globalData()) {
                maps.put(g.section(), stageGlobalData(o.getId(), g, globals.get(g.section()), btf));
            }
            objects.put(o.getId(), new Loaded(obj, btf, maps));
            listener.event("stage", "object " + o.getId() + ": " + obj.programs().size() + " programs, "
                    + obj.maps().size() + " maps created");
        }
        phase("stage", Phase.STAGED);
    }

    /**
     * A global data section as libbpf makes it: a one-element array whose value is the section (typed
     * by its DATASEC when the object has BTF), filled with the section's bytes and the Pipeline's
     * values, and frozen when it is .rodata. Pinned as {@code <object>_<section>}, dots made '_' as
     * bpftool does (bpffs refuses '.' in names): {@code globals_rodata}, {@code globals_data_stats}.
     */
    private Fd stageGlobalData(String objectId, GlobalData g, byte[] value, Fd btf) {
        boolean typed = btf != null && g.btfDatasecId() != 0;
        Fd fd = keep(Bpf.createMap(new MapCreateAttr(BPF_MAP_TYPE_ARRAY, 4, g.size(), 1, g.mapFlags(), 0, 0,
                g.mapName(objectId), typed ? btf.value() : 0, 0, typed ? g.btfDatasecId() : 0, 0)));
        Bpf.update(fd, new byte[4], value, 0);
        if (g.frozen()) {
            Bpf.freeze(fd);
        }
        String pinName = (Character.isDigit(objectId.charAt(0)) ? "_" : "")
                + (objectId + g.section()).replace('-', '_').replace('.', '_'); // bpffs refuses '.' in names
        addPin(PinRoot.MAPS, Ids.checkObjectName("map", pinName), fd, PinnedObject.Kind.MAP, Bpf.mapInfo(fd).id(),
                "object " + objectId + " " + g.section() + (g.frozen() ? " (frozen)" : ""));
        return fd;
    }

    private static final int BPF_MAP_TYPE_ARRAY = 2;

    private void addPin(String folder, String name, Fd fd, PinnedObject.Kind kind, int id, String detail) {
        for (Pin p : pins) {
            if (p.folder.equals(folder) && p.name.equals(name)) {
                throw new SessionException(phase, "two " + folder + " of this session are named '" + name
                        + "'; names must be unique within a session");
            }
        }
        PinnedObject info = PinnedObject.newBuilder().setKind(kind).setName(name).setKernelId(id).setDetail(detail)
                .build();
        pins.add(new Pin(folder, name, fd, info));
        record.addObjects(info);
    }

    private final Map<Program, Fd> programFds = new LinkedHashMap<>();

    private void verify() {
        phase = "verify";
        for (Program p : pipeline.getProgramsList()) {
            Loaded l = objects.get(p.getObject());
            BpfProgram prog = l.object.program(p.getName()).orElseThrow(() -> new SessionException("verify",
                    "object '" + p.getObject() + "' has no program '" + p.getName() + "' (it has: "
                            + String.join(", ", l.object.programs().stream().map(BpfProgram::name).toList()) + ")"));
            ProgramSection.Match match = prog.section().orElseThrow(() -> new SessionException("verify",
                    "program '" + p.getName() + "' cannot be loaded: " + prog.problem().orElse("section '"
                            + prog.sectionName() + "' is not one gewyvern knows")));
            byte[] insns = prog.encode(name -> {
                Fd fd = l.maps.get(name);
                if (fd == null) {
                    throw new SessionException("verify", "program '" + p.getName() + "' uses map '" + name
                            + "', which object '" + p.getObject() + "' does not define");
                }
                return fd.value();
            });
            ProgLoadAttr attr = new ProgLoadAttr(match.kind().progType(), match.kind().attachType(),
                    new NativeArg.In(insns), l.object.license(), p.getName(), l.object.kernelVersion(),
                    match.kind().progFlags(), 0, null,
                    l.btf == null ? 0 : l.btf.value(),
                    l.btf == null ? null : funcInfo(prog.funcInfo()), l.btf == null ? null : lineInfo(prog.lineInfo()),
                    0, 0);
            LoadedProgram loaded;
            try {
                loaded = Bpf.loadProgram(attr, logLevel);
            } catch (BpfException e) {
                throw new SessionException("verify", "the kernel refused program '" + p.getName() + "' of object '"
                        + p.getObject() + "': " + e.getMessage(), e.verifierLog(), e);
            }
            Fd fd = keep(loaded.fd());
            programFds.put(p, fd);
            var info = Bpf.progInfo(fd);
            addPin(PinRoot.PROGS, p.getName(), fd, PinnedObject.Kind.PROGRAM, info.id(),
                    match.kind().progTypeName() + " from " + p.getObject() + " section " + prog.sectionName());
            listener.event("verify", "program " + p.getName() + ": verified (" + info.verifiedInsns()
                    + " instructions processed, id " + info.id() + ")");
        }
        phase("verify", Phase.VERIFIED);
    }

    private static NativeArg.In funcInfo(List<FuncInfo> infos) {
        ByteBuffer b = ByteBuffer.allocate(infos.size() * ProgLoadAttr.FUNC_INFO_REC_SIZE).order(ByteOrder.nativeOrder());
        for (FuncInfo f : infos) {
            b.putInt(f.insnIndex()).putInt(f.typeId());
        }
        return new NativeArg.In(b.array());
    }

    private static NativeArg.In lineInfo(List<LineInfo> infos) {
        ByteBuffer b = ByteBuffer.allocate(infos.size() * ProgLoadAttr.LINE_INFO_REC_SIZE).order(ByteOrder.nativeOrder());
        for (LineInfo l : infos) {
            b.putInt(l.insnIndex()).putInt(l.fileNameOff()).putInt(l.lineOff()).putInt(l.lineCol());
        }
        return new NativeArg.In(b.array());
    }

    private void attach() {
        phase = "attach";
        for (Map.Entry<Program, Fd> e : programFds.entrySet()) {
            Program p = e.getKey();
            var tp = p.getAttach().getTracepoint();
            Fd link = keep(Tracepoints.attach(e.getValue(), tp.getCategory(), tp.getName(), 0));
            String target = "tracepoint:" + tp.getCategory() + ":" + tp.getName();
            addPin(PinRoot.LINKS, p.getName(), link, PinnedObject.Kind.LINK, Bpf.linkInfo(link).id(),
                    p.getName() + " -> " + target);
            listener.event("attach", "program " + p.getName() + " -> " + target);
        }
        phase("attach", Phase.ATTACHED);
    }

    private SessionRecord commit() {
        phase = "commit";
        staging = root.staging(instanceId, sessionId);
        PinRoot.mkdir(staging.getParent());
        PinRoot.mkdir(staging);
        for (String sub : List.of(PinRoot.MAPS, PinRoot.PROGS, PinRoot.LINKS)) {
            PinRoot.mkdir(staging.resolve(sub));
        }
        phase("commit", Phase.COMMITTED);
        Bpf.pin(recordMap.fd(), staging.resolve(PinRoot.RECORD).toString());
        for (Pin p : pins) {
            Bpf.pin(p.fd, staging.resolve(p.folder).resolve(p.name).toString());
        }
        Path dest = root.session(instanceId, sessionId);
        root.commit(staging, dest);
        staging = null;
        // committed: from now on the pins hold the objects, not this process
        closeAll();
        listener.event("commit", "pinned at " + dest);
        return record.build();
    }

    private void closeAll() {
        for (int i = fds.size() - 1; i >= 0; i--) {
            fds.get(i).close();
        }
        fds.clear();
    }

    private void rollback() {
        String failed = phase;
        closeAll();
        if (staging != null) {
            try {
                PinRoot.removeSessionFolder(staging);
            } catch (SessionException e) {
                listener.event("rollback", "could not remove " + staging + ": " + e.getMessage());
            }
        }
        listener.event("rollback", "session " + sessionId + " rolled back after a failure in " + failed
                + "; nothing of it is left in the kernel");
    }

    private static String describe(dev.gewyvern.proto.v1.BpfObject o) {
        return o.getSourceCase() == SourceCase.PATH ? o.getPath() : o.getContent().size() + " bytes inline";
    }

    private static byte[] objectBytes(dev.gewyvern.proto.v1.BpfObject o) {
        byte[] bytes;
        if (o.getSourceCase() == SourceCase.PATH) {
            try {
                bytes = Files.readAllBytes(Path.of(o.getPath()));
            } catch (IOException e) {
                throw new SessionException("stage", "cannot read object '" + o.getId() + "' at " + o.getPath()
                        + ": " + e.getMessage());
            }
        } else {
            bytes = o.getContent().toByteArray();
        }
        if (!o.getSha256().isEmpty()) {
            String actual = sha256(bytes);
            if (!actual.equals(o.getSha256())) {
                throw new SessionException("stage", "object '" + o.getId() + "' (" + describe(o) + ") has SHA-256 "
                        + actual + ", not the " + o.getSha256() + " the pipeline expects");
            }
        }
        return bytes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The pipeline as recorded: inline object bytes are replaced by their SHA-256. */
    private static Pipeline withoutContent(Pipeline p) {
        Pipeline.Builder b = p.toBuilder();
        for (int i = 0; i < b.getObjectsCount(); i++) {
            var o = b.getObjects(i);
            if (o.getSourceCase() == SourceCase.CONTENT) {
                b.setObjects(i, o.toBuilder().clearContent().setSha256(sha256(o.getContent().toByteArray())));
            }
        }
        return b.build();
    }

}
