package dev.gewyvern.session.control;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.gewyvern.proto.v1.ApplySessionRequest;
import dev.gewyvern.proto.v1.DetachResult;
import dev.gewyvern.proto.v1.DetachSessionRequest;
import dev.gewyvern.proto.v1.GetRuntimeInfoRequest;
import dev.gewyvern.proto.v1.GetSessionRequest;
import dev.gewyvern.proto.v1.ListSessionsRequest;
import dev.gewyvern.proto.v1.ObjectKind;
import dev.gewyvern.proto.v1.Phase;
import dev.gewyvern.proto.v1.DeleteMapEntryRequest;
import dev.gewyvern.proto.v1.EventMessage;
import dev.gewyvern.proto.v1.MapWriteResult;
import dev.gewyvern.proto.v1.PhaseEvent;
import dev.gewyvern.proto.v1.ReadMapRequest;
import dev.gewyvern.proto.v1.UpdateMapRequest;
import dev.gewyvern.proto.v1.WatchEventsRequest;
import dev.gewyvern.proto.v1.RuntimeGrpc;
import dev.gewyvern.proto.v1.RuntimeInfo;
import dev.gewyvern.proto.v1.SessionDetail;
import dev.gewyvern.proto.v1.SessionList;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.proto.v1.SessionStatus;
import dev.gewyvern.proto.v1.SignedRequest;
import dev.gewyvern.proto.v1.WatchSessionRequest;
import dev.gewyvern.session.Engine;
import dev.gewyvern.session.ObjectFiles;
import dev.gewyvern.session.PreparedPipeline;
import dev.gewyvern.session.SessionException;
import dev.gewyvern.session.Step;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * The Runtime service: every call opens its SignedRequest first, then drives the engine of `gew serve`.
 * Sessions applied here belong to the serving instance and end with it.
 */
final class RuntimeService extends RuntimeGrpc.RuntimeImplBase {
    private final Engine engine;
    /** Which files a control plane's pipeline may name: none, or those inside gew serve's --object-dir. */
    private final ObjectFiles files;
    private final RequestVerifier verifier;
    private final Supplier<RuntimeInfo> info;
    private final ScheduledExecutorService timer;
    private final SessionEvents events = new SessionEvents();
    private final WatchLimits watches = new WatchLimits();
    /** Who applied each session served here: the key id of the control plane whose request it was. */
    private final java.util.Map<String, com.google.protobuf.ByteString> appliedBy =
            new java.util.concurrent.ConcurrentHashMap<>();

    RuntimeService(Engine engine, ObjectFiles files, RequestVerifier verifier, Supplier<RuntimeInfo> info,
                   ScheduledExecutorService timer) {
        this.files = files;
        this.engine = engine;
        this.verifier = verifier;
        this.info = info;
        this.timer = timer;
    }

    private static <T> void reply(StreamObserver<T> out, Supplier<T> body) {
        T value;
        try {
            value = body.get();
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        } catch (SessionException e) {
            out.onError(ErrorStatus.of(e));
            return;
        } catch (dev.gewyvern.syscall.BpfException e) {
            out.onError(ErrorStatus.of(SessionException.of(Step.SHOW, e)));
            return;
        }
        out.onNext(value);
        out.onCompleted();
    }

    @Override
    public void getRuntimeInfo(SignedRequest req, StreamObserver<RuntimeInfo> out) {
        reply(out, () -> {
            verifier.open(req, RuntimeGrpc.getGetRuntimeInfoMethod().getFullMethodName(), GetRuntimeInfoRequest.parser());
            return info.get();
        });
    }

    @Override
    public void getCapabilities(SignedRequest req, StreamObserver<dev.gewyvern.proto.v1.CapabilityReport> out) {
        reply(out, () -> {
            verifier.open(req, RuntimeGrpc.getGetCapabilitiesMethod().getFullMethodName(),
                    dev.gewyvern.proto.v1.GetCapabilitiesRequest.parser());
            return dev.gewyvern.session.RuntimeReport.capabilities(engine.capabilities());
        });
    }

    @Override
    public void verifyCompatibility(SignedRequest req, StreamObserver<dev.gewyvern.proto.v1.CompatibilityReport> out) {
        reply(out, () -> {
            var r = verifier.open(req, RuntimeGrpc.getVerifyCompatibilityMethod().getFullMethodName(),
                    dev.gewyvern.proto.v1.VerifyCompatibilityRequest.parser());
            return dev.gewyvern.session.DryRun.compatibility(
                    engine.verifyCompatibility(PreparedPipeline.of(r.getPipeline(), files)), engine.policy().allowsRisky());
        });
    }

    @Override
    public void applySession(SignedRequest req, StreamObserver<SessionStatus> out) {
        reply(out, () -> {
            ApplySessionRequest r = verifier.open(req, RuntimeGrpc.getApplySessionMethod().getFullMethodName(),
                    ApplySessionRequest.parser());
            // every file is read here, by the object folder's rule, before the engine is asked anything
            PreparedPipeline prepared = PreparedPipeline.of(r.getPipeline(), files);
            // every phase goes to the watchers as it happens, and is kept for a watch opened later
            dev.gewyvern.proto.v1.SessionRecord rec = engine.apply(prepared,
                    e -> events.publish(e.toProto(System.currentTimeMillis())), 1);
            appliedBy.put(rec.getSessionId(), req.getKeyId());
            return SessionStatus.newBuilder().setRecord(rec).build();
        });
    }

    @Override
    public void detachSession(SignedRequest req, StreamObserver<DetachResult> out) {
        reply(out, () -> {
            DetachSessionRequest r = verifier.open(req, RuntimeGrpc.getDetachSessionMethod().getFullMethodName(),
                    DetachSessionRequest.parser());
            int n = engine.detach(r.getSessionId());
            events.publish(detached(r.getSessionId(), n + " pins removed"));
            return DetachResult.newBuilder().setSessionId(r.getSessionId()).setPinsRemoved(n).build();
        });
    }

    @Override
    public void listSessions(SignedRequest req, StreamObserver<SessionList> out) {
        reply(out, () -> {
            verifier.open(req, RuntimeGrpc.getListSessionsMethod().getFullMethodName(), ListSessionsRequest.parser());
            return engine.list();
        });
    }

    @Override
    public void getSession(SignedRequest req, StreamObserver<SessionDetail> out) {
        reply(out, () -> {
            GetSessionRequest r = verifier.open(req, RuntimeGrpc.getGetSessionMethod().getFullMethodName(),
                    GetSessionRequest.parser());
            int limit = r.getMapEntryLimit() == 0 ? 100 : (int) Math.min(r.getMapEntryLimit(), 10_000);
            // the report `gew session show` prints, cut to the answer budget however much the maps hold
            return AnswerBudget.trim(engine.show(r.getSessionId(), limit), AnswerBudget.MAX_BYTES);
        });
    }

    /** The event that ends a watch: the session is gone. */
    private static PhaseEvent detached(String sessionId, String why) {
        return PhaseEvent.newBuilder().setSessionId(sessionId).setPhase(Phase.DETACHED)
                .setObjectKind(ObjectKind.OBJECT_KIND_SESSION).setObjectName(sessionId)
                .setMessage("session " + sessionId + " detached (" + why + ")").setUnixMs(System.currentTimeMillis())
                .build();
    }

    /**
     * Streams a session's phase events: the ones this server kept of it (every phase of a session it applied,
     * as it happened), else one event with the phase its record holds; then what comes, until it is
     * detached (the last event says so) or the caller goes away. An empty id watches every session this
     * server applies or detaches: what it kept since the request was signed (so a watch asked for before an
     * apply misses none of its phases, however late it reaches the server), then what comes. At most
     * {@link WatchLimits#PER_KEY} watches per control-plane key are open at once.
     */
    @Override
    public void readMap(SignedRequest req, StreamObserver<dev.gewyvern.proto.v1.MapContents> out) {
        reply(out, () -> {
            ReadMapRequest r = verifier.open(req, RuntimeGrpc.getReadMapMethod().getFullMethodName(),
                    ReadMapRequest.parser());
            if (r.hasKey()) {
                return engine.lookupMap(r.getSessionId(), r.getMap(), r.getKey());
            }
            int count = r.getPage().getCount() == 0 ? 100 : (int) Math.min(r.getPage().getCount(), 10_000);
            return engine.readMap(r.getSessionId(), r.getMap(), r.getPage().getToken().toByteArray(), count);
        });
    }

    /**
     * Map writes from the control plane: only on a session this server applied for the same control plane
     * (key id) that asks now; a session of the local CLI, or of a control plane paired before, is refused.
     */
    private void mayWrite(SignedRequest req, String sessionId) {
        com.google.protobuf.ByteString by = appliedBy.get(sessionId);
        if (by == null || !by.equals(req.getKeyId()) || !engine.ownSessions().contains(sessionId)) {
            throw io.grpc.Status.PERMISSION_DENIED.withDescription("map: session '" + sessionId + "' was not applied "
                    + "by this control plane: it may read its maps, not write them").asRuntimeException();
        }
    }

    @Override
    public void updateMap(SignedRequest req, StreamObserver<MapWriteResult> out) {
        reply(out, () -> {
            UpdateMapRequest r = verifier.open(req, RuntimeGrpc.getUpdateMapMethod().getFullMethodName(),
                    UpdateMapRequest.parser());
            mayWrite(req, r.getSessionId());
            engine.updateMap(r.getSessionId(), r.getMap(), r.getKey(), r.getValue(), r.getMode());
            return MapWriteResult.newBuilder().setSessionId(r.getSessionId()).setMap(r.getMap()).setExisted(true)
                    .build();
        });
    }

    @Override
    public void deleteMapEntry(SignedRequest req, StreamObserver<MapWriteResult> out) {
        reply(out, () -> {
            DeleteMapEntryRequest r = verifier.open(req, RuntimeGrpc.getDeleteMapEntryMethod().getFullMethodName(),
                    DeleteMapEntryRequest.parser());
            mayWrite(req, r.getSessionId());
            boolean existed = engine.deleteMapEntry(r.getSessionId(), r.getMap(), r.getKey());
            return MapWriteResult.newBuilder().setSessionId(r.getSessionId()).setMap(r.getMap()).setExisted(existed)
                    .build();
        });
    }

    @Override
    public void watchEvents(SignedRequest req, StreamObserver<EventMessage> out) {
        ServerCallStreamObserver<EventMessage> call = (ServerCallStreamObserver<EventMessage>) out;
        GrpcEventSink sink = new GrpcEventSink(call);
        dev.gewyvern.session.EventStream stream;
        try {
            WatchEventsRequest r = verifier.open(req, RuntimeGrpc.getWatchEventsMethod().getFullMethodName(),
                    WatchEventsRequest.parser());
            int buffer = r.getBuffer() == 0 ? 4096 : (int) Math.min(Math.max(r.getBuffer(), 2), 1 << 16);
            stream = engine.events(r.getSessionId(), r.getSourcesList(), new dev.gewyvern.session.EventStream.Options(
                    buffer, dev.gewyvern.syscall.events.PerfBufferReader.Options.DEFAULT), sink);
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        } catch (SessionException e) {
            out.onError(ErrorStatus.of(e));
            return;
        }
        call.setOnCancelHandler(() -> {
            sink.cancel();
            new Thread(stream::close, "gew-events-cancel").start();
        });
    }

    @Override
    public void watchSession(SignedRequest req, StreamObserver<PhaseEvent> out) {
        WatchSessionRequest r;
        String id;
        SessionRecord record = null;
        try {
            r = verifier.open(req, RuntimeGrpc.getWatchSessionMethod().getFullMethodName(), WatchSessionRequest.parser());
            id = r.getSessionId();
            if (!id.isEmpty() && !events.knows(id)) {
                record = engine.show(id, 0).getRecord(); // NOT_FOUND when there is no such session
            }
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        } catch (SessionException e) {
            out.onError(ErrorStatus.of(e));
            return;
        }
        WatchLimits.Slot slot = watches.take(req.getKeyId());
        if (slot == null) {
            out.onError(io.grpc.Status.RESOURCE_EXHAUSTED.withDescription("too many watches open: at most "
                    + WatchLimits.PER_KEY + " per control-plane key (" + WatchLimits.OVERALL + " in all); close one")
                    .asRuntimeException());
            return;
        }
        ServerCallStreamObserver<PhaseEvent> call = (ServerCallStreamObserver<PhaseEvent>) out;
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        AtomicReference<SessionEvents.Subscription> sub = new AtomicReference<>();
        Runnable stop = () -> {
            ScheduledFuture<?> f = task.get();
            if (f != null) {
                f.cancel(false);
            }
            SessionEvents.Subscription s = sub.get();
            if (s != null) {
                s.close();
            }
            slot.release();
        };
        Consumer<PhaseEvent> send = e -> {
            synchronized (call) {
                if (done.get() || call.isCancelled()) {
                    return;
                }
                call.onNext(e);
                if (e.getPhase() == Phase.DETACHED && !id.isEmpty()) {
                    done.set(true);
                    call.onCompleted();
                }
            }
            if (done.get()) {
                stop.run();
            }
        };
        call.setOnCancelHandler(stop);
        if (record != null) {
            send.accept(PhaseEvent.newBuilder().setSessionId(id).setPhase(record.getPhase())
                    .setObjectKind(ObjectKind.OBJECT_KIND_SESSION).setObjectName(id)
                    .setMessage("session " + id + " is " + record.getPhase().name().toLowerCase(java.util.Locale.ROOT)
                            .replace('_', ' ')).setUnixMs(System.currentTimeMillis()).build());
        }
        sub.set(events.subscribe(id, req.getTsUnixMs(), send));
        if (done.get()) {
            stop.run();
            return;
        }
        if (!id.isEmpty()) {
            // a detach from elsewhere (the CLI, another instance) makes no event here: look for it
            task.set(timer.scheduleWithFixedDelay(() -> {
                if (call.isCancelled() || done.get()) {
                    stop.run();
                } else if (!engine.exists(id)) {
                    send.accept(detached(id, "from outside this server"));
                }
            }, 200, 200, TimeUnit.MILLISECONDS));
        }
    }
}
