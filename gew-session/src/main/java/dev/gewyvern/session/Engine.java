package dev.gewyvern.session;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.proto.v1.MapList;
import dev.gewyvern.proto.v1.InstanceRecord;
import dev.gewyvern.proto.v1.Owner;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.SessionDetail;
import dev.gewyvern.proto.v1.SessionList;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.proto.v1.SessionSummary;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.MapInfo;
import dev.gewyvern.syscall.maps.MapAccess;
import dev.gewyvern.syscall.ProgInfo;

/**
 * The session engine of one gewyvern process (an instance). It takes Pipelines and nothing else.
 * On start it cleans the sessions of dead instances under its pin root; it never adopts them. When it
 * closes, every session it applied is detached and its instance folder removed.
 */
public final class Engine implements AutoCloseable {
    /** An instance folder with no owner record yet is taken as abandoned only after this long. */
    private static final long OWNERLESS_GRACE_MS = 30_000;

    private final PinRoot root;
    private final String instanceId;
    private final Set<String> ownSessions = new LinkedHashSet<>();
    /** Applies hold the read side; close takes the write side, so it waits for applies in flight. */
    private final java.util.concurrent.locks.ReentrantReadWriteLock lifecycle =
            new java.util.concurrent.locks.ReentrantReadWriteLock();
    private final List<String> cleaned;
    private boolean closed;

    private final RiskPolicy policy;
    /** Where this boot's probe results are kept (see CapabilityCache); tests use their own folder. */
    private Path capabilityCache = dev.gewyvern.syscall.probes.CapabilityCache.DEFAULT;
    private final BtfObjects btfObjects = new BtfObjects();
    /** How struct_ops maps are registered; null: as the kernel allows ({@link StructOpsRegistration#forKernel}). */
    private volatile StructOpsRegistration structOpsRegistration;

    private Engine(PinRoot root, String instanceId, List<String> cleaned, RiskPolicy policy) {
        this.root = root;
        this.instanceId = instanceId;
        this.cleaned = cleaned;
        this.policy = policy;
    }

    /**
     * Starts an instance that can apply sessions: cleans dead owners' sessions, then records this
     * process as the owner of a new instance folder.
     */
    public static Engine start(PinRoot root, String command) {
        return start(root, command, RiskPolicy.DEFAULT);
    }

    /** As {@link #start(PinRoot, String)}, with the risk policy of the local command line. */
    public static Engine start(PinRoot root, String command, RiskPolicy policy) {
        try {
            return startInstance(root, command, policy);
        } catch (SessionException e) {
            throw e.in(Step.START);
        }
    }

    private static Engine startInstance(PinRoot root, String command, RiskPolicy policy) {
        root.prepare();
        List<String> cleaned = cleanOrphans(root);
        String id = root.reserveInstance();
        InstanceRecord rec = InstanceRecord.newBuilder().setInstanceId(id).setOwner(OwnerIdentity.self())
                .setStartedUnixMs(System.currentTimeMillis()).setCommand(command).build();
        try (RecordMap owner = RecordMap.create("gew_owner", rec.getSerializedSize())) {
            owner.write(rec);
            Bpf.pin(owner.fd(), root.instance(id).resolve(PinRoot.OWNER).toString());
        } catch (RuntimeException e) {
            removeInstanceFolder(root, id);
            throw e;
        }
        return new Engine(root, id, cleaned, policy);
    }

    /** An engine that only looks (list, show) and detaches; it still cleans dead owners' sessions first. */
    public static Engine observe(PinRoot root) {
        try {
            root.prepare();
            return new Engine(root, null, cleanOrphans(root), RiskPolicy.DEFAULT);
        } catch (SessionException e) {
            throw e.in(Step.START);
        }
    }

    public String instanceId() {
        return instanceId;
    }

    /** What start-up cleanup removed, one line per session or instance. */
    public List<String> cleanedAtStart() {
        return cleaned;
    }

    /**
     * Applies a pipeline as a new session of this instance; commits it or leaves nothing behind. Sessions
     * apply concurrently; {@link #close()} waits for the ones in flight.
     */
    public SessionRecord apply(Pipeline pipeline, PhaseListener listener, int logLevel) {
        return apply(PreparedPipeline.of(pipeline), listener, logLevel);
    }

    /** As {@link #apply(Pipeline, PhaseListener, int)}, of a pipeline prepared already: nothing is read again. */
    public SessionRecord apply(PreparedPipeline pipeline, PhaseListener listener, int logLevel) {
        lifecycle.readLock().lock();
        try {
            if (instanceId == null || closed) {
                throw SessionException.internal(Step.CREATE, "this engine does not own an instance (it only observes, "
                        + "or it is closed)", null);
            }
            admit(verifyCompatibility(pipeline));
            // the id is reserved (its staging folder made exclusively) before the transaction runs
            Transaction tx = new Transaction(root, instanceId, root.reserveSession(instanceId, pipeline.pipeline().getName()),
                    pipeline, listener, logLevel, structOpsRegistration);
            SessionRecord rec = tx.run();
            synchronized (this) {
                if (closed) {
                    // close(deadline) gave up waiting for this apply and detached the rest: so is this one
                    PinRoot.removeSessionFolder(root.session(instanceId, rec.getSessionId()));
                    throw SessionException.system(Step.COMMIT, "the runtime is shutting down: session "
                            + rec.getSessionId() + " was detached as soon as it committed");
                }
                ownSessions.add(rec.getSessionId());
            }
            return rec;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** GetRuntimeInfo (docs/spec.md §8): this runtime and kernel, read from /proc and /sys. */
    public dev.gewyvern.proto.v1.RuntimeInfo runtimeInfo() {
        return RuntimeReport.info(root.path());
    }

    /** GetCapabilities (docs/spec.md §8): every capability of this kernel, probed once per process. */
    public dev.gewyvern.syscall.probes.Capabilities capabilities() {
        return dev.gewyvern.syscall.probes.Capabilities.running();
    }

    public static final String VERSION = "0.1.0";

    /**
     * VerifyCompatibility: what the pipeline needs from this kernel, each requirement classified. Makes no
     * kernel object of the session (the capability probes make and close their own, once per process).
     */
    public List<Requirement> verifyCompatibility(Pipeline pipeline) {
        return verifyCompatibility(PreparedPipeline.of(pipeline));
    }

    /** As {@link #verifyCompatibility(Pipeline)}, of a pipeline prepared already. */
    public List<Requirement> verifyCompatibility(PreparedPipeline pipeline) {
        // the probes run only when the objects can run here at all (their byte order)
        boolean[] cached = {false};
        List<Requirement> requirements = Compatibility.of(pipeline, () -> {
            var caps = dev.gewyvern.syscall.probes.CapabilityCache.withoutHelpers(capabilityCache, VERSION);
            cached[0] = caps.cached();
            return caps;
        });
        if (cached[0] && requirements.stream().anyMatch(r -> r.level() == Requirement.Level.NOT_SUPPORTED)) {
            // never refuse on a cached answer: probe again, and let the fresh answers decide
            requirements = Compatibility.of(pipeline,
                    () -> dev.gewyvern.syscall.probes.CapabilityCache.fresh(capabilityCache, VERSION));
        }
        // the helpers probed for this pipeline, for the next command of this boot
        dev.gewyvern.syscall.probes.CapabilityCache.keep(capabilityCache, VERSION);
        return requirements;
    }

    /**
     * The dry run's plan: every bpf(2) and perf_event_open call applying the pipeline would make, in order,
     * as decoded attr values (file descriptors are placeholders). Makes none of them.
     */
    public List<String> plan(Pipeline pipeline) {
        return plan(PreparedPipeline.of(pipeline));
    }

    /** As {@link #plan(Pipeline)}, of a pipeline prepared already (the dry run checks and plans one value). */
    public List<String> plan(PreparedPipeline pipeline) {
        // an observing engine has no instance: the plan needs only a name, since nothing is pinned
        return new Transaction(root, instanceId == null ? "dry-run" : instanceId,
                Ids.sessionId(pipeline.pipeline().getName(), KernelRandom.INSTANCE), pipeline, PhaseListener.SILENT, 1,
                structOpsRegistration).plan();
    }

    /**
     * Registers struct_ops maps the given way from now on, instead of the way the kernel allows: a kernel
     * with BPF_F_LINK also takes the classic map-update registration, which is how tests run that path on it.
     */
    void registerStructOpsBy(StructOpsRegistration registration) {
        this.structOpsRegistration = registration;
    }

    /** Keeps this boot's probe results in {@code dir} instead of the default folder (for tests). */
    void capabilityCacheAt(Path dir) {
        capabilityCache = dir;
    }

    /** Refuses, before any kernel call of the session, what is not supported, and what is risky unless allowed. */
    private void admit(List<Requirement> requirements) {
        for (Requirement r : requirements) {
            if (r.level() == Requirement.Level.NOT_SUPPORTED) {
                // reason: "not supported: <why> (<evidence>)", as the capability report words it
                String why = r.reason().startsWith("not supported: ") ? r.reason().substring("not supported: ".length())
                        : r.reason();
                throw SessionException.refused(r, r.label() + " (needed by " + r.neededBy() + ") is not supported "
                        + "here: " + why + "; `gew runtime info --verbose` lists what this kernel allows");
            }
        }
        for (Requirement r : requirements) {
            if (r.level() == Requirement.Level.RISKY && !policy.allowsRisky()) {
                throw SessionException.refused(r, r.label() + " (needed by " + r.neededBy() + ") is risky: it "
                        + r.reason() + ". Only the local command line can allow it: gew session apply --allow-risky");
            }
        }
    }

    public RiskPolicy policy() {
        return policy;
    }

    /** The sessions this instance applied and still holds. */
    public synchronized List<String> ownSessions() {
        return List.copyOf(ownSessions);
    }

    /** Whether the session with exactly this id is still pinned (a holder watches this to notice a detach). */
    public boolean exists(String sessionId) {
        Ids.check("session id", sessionId);
        for (String iid : root.instanceIds()) {
            if (Files.isDirectory(root.session(iid, sessionId), LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The folder of a committed session, whichever instance owns it, by its id or a unique start of it (as git
     * and docker take ids), or null; a malformed id, or a start several ids share, is {@code step}'s error.
     */
    private Path find(String sessionId, Step step) {
        try {
            Ids.check("session id", sessionId);
        } catch (SessionException e) {
            throw e.in(step);
        }
        List<Path> byPrefix = new ArrayList<>();
        for (String iid : root.instanceIds()) {
            Path p = root.session(iid, sessionId);
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                return p;
            }
            for (String sid : PinRoot.childFolders(root.sessions(iid))) {
                if (sid.startsWith(sessionId)) {
                    byPrefix.add(root.session(iid, sid));
                }
            }
        }
        if (byPrefix.size() > 1) {
            List<String> ids = byPrefix.stream().map(p -> p.getFileName().toString()).sorted().toList();
            throw SessionException.invalid(step, "'" + sessionId + "' is the start of " + ids.size() + " session ids ("
                    + String.join(", ", ids) + "): give more of the id");
        }
        return byPrefix.isEmpty() ? null : byPrefix.get(0);
    }

    /** Every session pinned under the pin root, with where it is pinned and whether its owner runs. */
    public SessionList list() {
        SessionList.Builder out = SessionList.newBuilder();
        for (String iid : root.instanceIds()) {
            Owner owner = ownerOf(iid);
            boolean running = owner != null && OwnerIdentity.alive(owner);
            for (String sid : PinRoot.childFolders(root.sessions(iid))) {
                Path dir = root.session(iid, sid);
                SessionRecord rec = readRecord(dir, Step.LIST);
                if (rec != null) {
                    out.addSessions(SessionSummary.newBuilder().setRecord(rec).setPinPath(dir.toString())
                            .setOwnerPid(owner == null ? 0 : owner.getPid()).setOwnerRunning(running));
                }
            }
        }
        return out.build();
    }

    private static SessionRecord readRecord(Path dir, Step step) {
        Path rec = dir.resolve(PinRoot.RECORD);
        if (Files.isSymbolicLink(rec) || !Files.exists(rec, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try (RecordMap m = RecordMap.open(rec.toString())) {
            return m.read(SessionRecord.parser(), rec.toString());
        } catch (SessionException e) {
            throw e.in(step);
        } catch (BpfException e) {
            if (e.errno() == dev.gewyvern.syscall.Errno.ENOENT) {
                return null; // detached while we looked: it is simply not there any more
            }
            throw e;
        }
    }

    private Owner ownerOf(String iid) {
        return ownerOf(root, iid);
    }

    private static Owner ownerOf(PinRoot root, String iid) {
        Path p = root.instance(iid).resolve(PinRoot.OWNER);
        if (Files.isSymbolicLink(p) || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try (RecordMap m = RecordMap.open(p.toString())) {
            return m.read(InstanceRecord.parser(), p.toString()).getOwner();
        } catch (SessionException | BpfException e) {
            return null;
        }
    }

    /**
     * A session's report (record, pin folder, owner, programs, links, and maps with each map's first
     * {@code limit} entries typed by BTF), as `gew session show` prints it and GetSession returns it.
     */
    public SessionDetail show(String sessionId, int limit) {
        Path dir = find(sessionId, Step.SHOW);
        if (dir == null) {
            throw SessionException.notFound(Step.SHOW, "no session '" + sessionId + "' (see gew session list)");
        }
        SessionRecord rec = readRecord(dir, Step.SHOW);
        if (rec == null) {
            throw SessionException.system(Step.SHOW, "session '" + sessionId + "' has no record at " + dir);
        }
        Owner owner = ownerOf(rec.getInstanceId());
        List<MapContents> maps = pinnedMaps(dir, limit);
        return SessionDetails.of(rec, dir, owner == null ? 0 : owner.getPid(), owner != null
                && OwnerIdentity.alive(owner), pinNames(dir.resolve(PinRoot.PROGS)),
                pinNames(dir.resolve(PinRoot.LINKS)), maps);
    }

    /** Each map pinned in a session's folder, with its first {@code limit} entries. */
    private List<MapContents> pinnedMaps(Path dir, int limit) {
        List<MapContents> maps = new ArrayList<>();
        for (String name : pinNames(dir.resolve(PinRoot.MAPS))) {
            try (MapAccess m = MapAccess.open(dir.resolve(PinRoot.MAPS).resolve(name), name)) {
                maps.add(MapReports.describe(name, m, types(m), limit));
            } catch (BpfException e) {
                // a map that cannot even be opened is still listed, with why
                maps.add(MapContents.newBuilder().setName(name).setReadError(e.getMessage()).build());
            }
        }
        return maps;
    }

    /** `gew map list`: every map of a session as the kernel describes it, without entries. */
    public MapList listMaps(String sessionId) {
        Path dir = sessionDir(sessionId, Step.MAP);
        return MapList.newBuilder().setSessionId(dir.getFileName().toString()).addAllMaps(pinnedMaps(dir, 0)).build();
    }

    private static List<String> pinNames(Path dir) {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return names;
        }
        try (var s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (!Files.isSymbolicLink(p) && Ids.OBJECT_NAME.matcher(p.getFileName().toString()).matches()) {
                    names.add(p.getFileName().toString());
                }
            }
        } catch (java.io.IOException e) {
            throw SessionException.system(Step.SHOW, "cannot list " + dir + ": " + IoErrors.reason(e));
        }
        names.sort(null);
        return names;
    }

    /** The types of a map's keys and values, from its own BTF object. */
    private MapTypes types(MapAccess m) {
        return MapTypes.of(m.info(), m.info().btfId() == 0 ? null : btfObjects.get(m.info().btfId()));
    }

    /** The folder of a session, or a refusal naming it. */
    private Path sessionDir(String sessionId, Step step) {
        Path dir = find(sessionId, step);
        if (dir == null) {
            throw SessionException.notFound(step, "no session '" + sessionId + "' (see gew session list)");
        }
        return dir;
    }

    /** The names of a session's maps, as pinned under its maps/ folder. */
    public List<String> mapNames(String sessionId) {
        return pinNames(sessionDir(sessionId, Step.MAP).resolve(PinRoot.MAPS));
    }

    /** Opens a map of a session through its pin (never by id); refuses a name the session does not have. */
    private MapAccess openMap(String sessionId, String map) {
        Path dir = sessionDir(sessionId, Step.MAP).resolve(PinRoot.MAPS);
        List<String> names = pinNames(dir);
        if (!names.contains(map)) {
            throw SessionException.notFound(Step.MAP, "no map '" + map + "' in session " + sessionId + " (its maps: "
                    + MapReports.names(names) + ")");
        }
        return MapAccess.open(dir.resolve(map), map);
    }

    private static SessionException mapFailure(BpfException e) {
        return SessionException.of(Step.MAP, e);
    }

    /** A map of a session: what the kernel says of it and at most {@code limit} entries typed by BTF. */
    public MapContents describeMap(String sessionId, String map, int limit) {
        try (MapAccess m = openMap(sessionId, map)) {
            return MapReports.describe(map, m, types(m), limit);
        } catch (BpfException e) {
            throw mapFailure(e);
        }
    }

    /** A page of a map's entries after {@code token} (null or empty: the first page). */
    public MapContents readMap(String sessionId, String map, byte[] token, int count) {
        try (MapAccess m = openMap(sessionId, map)) {
            return MapReports.page(map, m, types(m), token == null || token.length == 0 ? null : token, count);
        } catch (BpfException e) {
            throw mapFailure(e);
        }
    }

    private static byte[] bytes(MapTypes t, dev.gewyvern.proto.v1.MapData d, boolean key, String map) {
        return switch (d.getFormCase()) {
            case JSON -> key ? t.key(d.getJson()) : t.value(d.getJson());
            case RAW -> d.getRaw().toByteArray();
            case FORM_NOT_SET -> throw SessionException.invalid(Step.MAP, "no " + (key ? "key" : "value") + " given for map '"
                    + map + "'");
        };
    }

    /** The entry of a map under {@code key} (JSON typed by the map's BTF, or bytes); no entries when absent. */
    public MapContents lookupMap(String sessionId, String map, dev.gewyvern.proto.v1.MapData key) {
        try (MapAccess m = openMap(sessionId, map)) {
            MapTypes t = types(m);
            return MapReports.lookup(map, m, t, bytes(t, key, true, map));
        } catch (BpfException e) {
            throw mapFailure(e);
        } catch (IllegalArgumentException e) {
            throw SessionException.invalid(Step.MAP, e.getMessage());
        }
    }

    /** Writes an entry; a frozen or read-only map, or one whose values are not plain bytes, is refused. */
    public void updateMap(String sessionId, String map, dev.gewyvern.proto.v1.MapData key,
                          dev.gewyvern.proto.v1.MapData value, dev.gewyvern.proto.v1.UpdateMode mode) {
        try (MapAccess m = openMap(sessionId, map)) {
            String refusal = m.writeRefusal();
            if (refusal != null) {
                throw SessionException.unsupported(Step.MAP, refusal);
            }
            MapTypes t = types(m);
            byte[] k = bytes(t, key, true, map);
            byte[] v = m.perCpu() && value.getFormCase() == dev.gewyvern.proto.v1.MapData.FormCase.JSON
                    ? t.perCpuValue(value.getJson(), m.copies(), m.stride()) : bytes(t, value, false, map);
            m.update(k, v, mode.getNumber());
        } catch (BpfException e) {
            throw mapFailure(e);
        } catch (IllegalArgumentException e) {
            throw SessionException.invalid(Step.MAP, e.getMessage());
        }
    }

    /** Deletes an entry; false when the key was not there. */
    public boolean deleteMapEntry(String sessionId, String map, dev.gewyvern.proto.v1.MapData key) {
        try (MapAccess m = openMap(sessionId, map)) {
            String refusal = m.writeRefusal();
            if (refusal != null) {
                throw SessionException.unsupported(Step.MAP, refusal);
            }
            return m.delete(bytes(types(m), key, true, map));
        } catch (BpfException e) {
            throw mapFailure(e);
        } catch (IllegalArgumentException e) {
            throw SessionException.invalid(Step.MAP, e.getMessage());
        }
    }

    /**
     * Starts reading the events of some of a session's ring buffers and perf buffers, decoded by the BTF types
     * named (of the object the map belongs to), into {@code sink}; the stream ends when the session is
     * detached or it is closed. Everything is opened (or refused, naming the map) before it starts.
     */
    public EventStream events(String sessionId, List<dev.gewyvern.proto.v1.EventSource> wanted,
                              EventStream.Options options, EventStream.Sink sink) {
        Path dir = sessionDir(sessionId, Step.EVENTS);
        if (wanted.isEmpty()) {
            throw SessionException.invalid(Step.EVENTS, "name at least one ring buffer or perf event array to read");
        }
        List<String> names = pinNames(dir.resolve(PinRoot.MAPS));
        List<EventStream.Source> sources = new ArrayList<>();
        try {
            for (dev.gewyvern.proto.v1.EventSource w : wanted) {
                String map = w.getMap();
                if (!names.contains(map)) {
                    throw SessionException.notFound(Step.EVENTS, "no map '" + map + "' in session " + sessionId
                            + " (its maps: " + MapReports.names(names) + ")");
                }
                if (sources.stream().anyMatch(s -> s.decoder().map().equals(map))) {
                    throw SessionException.invalid(Step.EVENTS, "map '" + map + "' is named twice");
                }
                Fd fd = Bpf.get(dir.resolve(PinRoot.MAPS).resolve(map).toString(), "map '" + map + "'");
                try {
                    dev.gewyvern.syscall.MapInfo info = Bpf.mapInfo(fd);
                    boolean perf = info.mapType() == MapType.PERF_EVENT_ARRAY;
                    if (!perf && info.mapType() != MapType.RINGBUF) {
                        throw SessionException.invalid(Step.EVENTS, "map '" + map + "' is a " + MapReports.typeName(info.type())
                                + ", not a ring buffer or a perf event array: "
                                + (info.mapType() == MapType.USER_RINGBUF
                                ? "a user ring buffer carries records to the program, not from it"
                                : "read its entries with `gew map dump " + sessionId + " " + map + "`"));
                    }
                    EventDecoder decoder = w.getType().isBlank() ? EventDecoder.raw(map, perf)
                            : EventDecoder.typed(map, eventBtf(dir, map, info), typeOf(dir, map, info, w.getType()), perf);
                    AutoCloseable reader = perf
                            ? dev.gewyvern.syscall.events.PerfBufferReader.open(fd, map, options.perf())
                            : dev.gewyvern.syscall.events.RingBufferReader.open(fd, map);
                    sources.add(new EventStream.Source(decoder, reader, fd));
                } catch (RuntimeException e) {
                    fd.close();
                    throw e;
                }
            }
        } catch (RuntimeException e) {
            for (EventStream.Source s : sources) {
                try {
                    s.reader().close();
                    s.fd().close();
                } catch (Exception x) {
                    // closing what we opened
                }
            }
            if (e instanceof BpfException b) {
                throw SessionException.of(Step.EVENTS, b);
            }
            throw e;
        }
        EventStream stream = new EventStream(sessionId, sources, options, sink, () -> exists(sessionId));
        stream.start();
        return stream;
    }

    private int typeOf(Path dir, String map, dev.gewyvern.syscall.MapInfo info, String type) {
        dev.gewyvern.btf.Btf btf = eventBtf(dir, map, info);
        try {
            return dev.gewyvern.btf.BtfTypeNames.find(btf, type);
        } catch (dev.gewyvern.btf.BtfException e) {
            throw SessionException.invalid(Step.EVENTS, "map '" + map + "': " + e.getMessage() + "; BTF describes the "
                    + "types of globals, maps and functions, not of local variables: a record type used only in locals "
                    + "needs one mention, e.g. as a parameter of a non-inlined function");
        }
    }

    /**
     * The BTF of the object a map belongs to: the map's own, or (ring buffers and perf event arrays have none)
     * that of a program of the session that uses the map.
     */
    private dev.gewyvern.btf.Btf eventBtf(Path dir, String map, dev.gewyvern.syscall.MapInfo info) {
        if (info.btfId() != 0) {
            return btfObjects.get(info.btfId());
        }
        for (String prog : pinNames(dir.resolve(PinRoot.PROGS))) {
            try (Fd fd = Bpf.get(dir.resolve(PinRoot.PROGS).resolve(prog).toString(), "prog")) {
                ProgInfo p = Bpf.progInfo(fd);
                if (p.btfId() != 0 && java.util.Arrays.stream(p.mapIds()).anyMatch(id -> id == info.id())) {
                    return btfObjects.get(p.btfId());
                }
            }
        }
        throw SessionException.unsupported(Step.EVENTS, "map '" + map + "' has no BTF to find a type in: no program of the "
                + "session that uses it was loaded with BTF (read its events raw: leave out the type)");
    }

    /** Detaches and unpins a session (links, then programs, then maps). Returns the pins removed. */
    public int detach(String sessionId) {
        Path dir = find(sessionId, Step.DETACH);
        if (dir == null) {
            throw SessionException.notFound(Step.DETACH, "no session '" + sessionId + "' (see gew session list)");
        }
        synchronized (this) {
            ownSessions.remove(dir.getFileName().toString());
        }
        return PinRoot.removeSessionFolder(dir);
    }

    /** Detaches every session of this instance and removes the instance folder. Safe to call twice. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            synchronized (this) {
                closeLocked();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /**
     * As {@link #close()}, but waits at most {@code deadline} for applies in flight. Past it, the sessions
     * this instance holds are detached and its folder removed anyway; an apply still running then fails
     * and rolls back (or, should it commit meanwhile, detaches what it committed), so an exit with a
     * deadline (gew serve's) always detaches.
     */
    public void close(java.time.Duration deadline) {
        boolean locked;
        try {
            locked = lifecycle.writeLock().tryLock(deadline.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        try {
            synchronized (this) {
                closeLocked();
            }
        } finally {
            if (locked) {
                lifecycle.writeLock().unlock();
            }
        }
    }

    /** The lock applies hold for reading (for a test that holds an apply in flight). */
    java.util.concurrent.locks.ReentrantReadWriteLock lifecycleForTest() {
        return lifecycle;
    }

    private void closeLocked() {
        if (closed) {
            return;
        }
        closed = true;
        if (instanceId == null) {
            root.pruneEmpty();
            return;
        }
        for (String sid : new ArrayList<>(ownSessions)) {
            Path dir = root.session(instanceId, sid);
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                PinRoot.removeSessionFolder(dir);
            }
        }
        ownSessions.clear();
        removeInstanceFolder(root, instanceId);
        root.pruneEmpty();
    }

    private static int removeInstanceFolder(PinRoot root, String iid) {
        int n = 0;
        for (String sub : List.of("sessions", "staging")) {
            Path dir = root.instance(iid).resolve(sub);
            for (String sid : PinRoot.childFolders(dir)) {
                n += PinRoot.removeSessionFolder(dir.resolve(sid));
            }
            // anything else there (a planted symbolic link, say) is unlinked, never followed
            PinRoot.removeEntries(dir);
            PinRoot.removeIfPresent(dir);
        }
        PinRoot.removeEntries(root.instance(iid));
        PinRoot.removeIfPresent(root.instance(iid));
        return n;
    }

    /** Finds instances whose owner is gone and removes all they hold. Never touches a live owner's. */
    static List<String> cleanOrphans(PinRoot root) {
        List<String> report = new ArrayList<>();
        for (String iid : root.instanceIds()) {
            Owner owner = ownerOf(root, iid);
            if (owner == null) {
                if (!olderThan(root.instance(iid), OWNERLESS_GRACE_MS)) {
                    continue; // an instance being born: its owner record is a moment away
                }
            } else if (OwnerIdentity.alive(owner)) {
                continue;
            }
            String who = owner == null ? "no owner record" : "owner pid " + owner.getPid() + " is gone";
            int before = report.size();
            try {
                for (String sub : List.of("sessions", "staging")) {
                    for (String sid : PinRoot.childFolders(root.instance(iid).resolve(sub))) {
                        int n = PinRoot.removeSessionFolder(root.instance(iid).resolve(sub).resolve(sid));
                        report.add("cleaned " + (sub.equals("staging") ? "uncommitted " : "") + "session " + sid
                                + " of instance " + iid + " (" + who + "): " + n + " pins");
                    }
                }
                removeInstanceFolder(root, iid);
                if (report.size() == before) {
                    report.add("cleaned instance " + iid + " (" + who + ")");
                }
            } catch (SessionException e) {
                // one damaged instance folder must not keep the others from being cleaned
                report.add("could not fully clean instance " + iid + " (" + who + "): " + e.getMessage());
            }
        }
        return report;
    }

    private static boolean olderThan(Path p, long ms) {
        try {
            FileTime t = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
            return System.currentTimeMillis() - t.toMillis() > ms;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
