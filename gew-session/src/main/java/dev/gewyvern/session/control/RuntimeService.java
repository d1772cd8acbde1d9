package dev.gewyvern.session.control;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.DebugInfo;
import com.google.rpc.ErrorInfo;
import dev.gewyvern.proto.v1.ApplySessionRequest;
import dev.gewyvern.proto.v1.DetachResult;
import dev.gewyvern.proto.v1.DetachSessionRequest;
import dev.gewyvern.proto.v1.GetRuntimeInfoRequest;
import dev.gewyvern.proto.v1.GetSessionRequest;
import dev.gewyvern.proto.v1.ListSessionsRequest;
import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.proto.v1.MapEntry;
import dev.gewyvern.proto.v1.PhaseEvent;
import dev.gewyvern.proto.v1.RuntimeGrpc;
import dev.gewyvern.proto.v1.RuntimeInfo;
import dev.gewyvern.proto.v1.SessionDetail;
import dev.gewyvern.proto.v1.SessionList;
import dev.gewyvern.proto.v1.SessionStatus;
import dev.gewyvern.proto.v1.SignedRequest;
import dev.gewyvern.proto.v1.WatchSessionRequest;
import dev.gewyvern.session.Engine;
import dev.gewyvern.session.PhaseListener;
import dev.gewyvern.session.SessionException;
import dev.gewyvern.session.SessionSummary;
import dev.gewyvern.session.SessionView;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * The Runtime service: every call opens its SignedRequest first, then drives the engine of `gew serve`.
 * Sessions applied here belong to the serving instance and end with it.
 */
final class RuntimeService extends RuntimeGrpc.RuntimeImplBase {
    private final Engine engine;
    private final RequestVerifier verifier;
    private final Supplier<RuntimeInfo> info;
    private final ScheduledExecutorService timer;

    RuntimeService(Engine engine, RequestVerifier verifier, Supplier<RuntimeInfo> info, ScheduledExecutorService timer) {
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
            out.onError(status(e));
            return;
        } catch (dev.gewyvern.syscall.BpfException e) {
            out.onError(io.grpc.Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        out.onNext(value);
        out.onCompleted();
    }

    /** A session failure as a gRPC status with structured details: what failed, where, and the verifier log. */
    static StatusRuntimeException status(SessionException e) {
        Code code;
        dev.gewyvern.session.Requirement r = e.requirement();
        if (r != null) {
            // a risky requirement without the local flag is a permission matter; one this kernel lacks is not
            code = r.level() == dev.gewyvern.session.Requirement.Level.RISKY ? Code.PERMISSION_DENIED
                    : Code.FAILED_PRECONDITION;
        } else if (e.phase().equals("create")) {
            code = Code.INVALID_ARGUMENT;
        } else if (e.getMessage().startsWith("no session")) {
            code = Code.NOT_FOUND;
        } else if (e.phase().equals("stage") || e.phase().equals("verify") || e.phase().equals("attach")) {
            code = Code.FAILED_PRECONDITION;
        } else {
            code = Code.ABORTED;
        }
        com.google.rpc.Status.Builder s = com.google.rpc.Status.newBuilder().setCode(code.getNumber())
                .setMessage(e.phase() + ": " + e.getMessage())
                .addDetails(Any.pack(ErrorInfo.newBuilder().setDomain("gewyvern.dev").setReason("SESSION_" + e.phase()
                        .toUpperCase(java.util.Locale.ROOT)).putMetadata("phase", e.phase())
                        .putAllMetadata(r == null ? java.util.Map.of() : java.util.Map.of("requirement", r.label(),
                                "level", r.level().name(), "reason", r.reason(), "needed_by", r.neededBy()))
                        .build()));
        if (e.verifierLog() != null) {
            s.addDetails(Any.pack(DebugInfo.newBuilder().setDetail(e.verifierLog()).build()));
        }
        return StatusProto.toStatusRuntimeException(s.build());
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
            var b = dev.gewyvern.proto.v1.CapabilityReport.newBuilder();
            for (dev.gewyvern.syscall.Capability c : engine.capabilities().all()) {
                b.addCapabilities(dev.gewyvern.proto.v1.CapabilityEntry.newBuilder().setCategory(c.category().text())
                        .setScope(c.scope()).setName(c.name()).setState(c.support().state())
                        .setReason(c.support().toString()));
            }
            return b.build();
        });
    }

    @Override
    public void verifyCompatibility(SignedRequest req, StreamObserver<dev.gewyvern.proto.v1.CompatibilityReport> out) {
        reply(out, () -> {
            var r = verifier.open(req, RuntimeGrpc.getVerifyCompatibilityMethod().getFullMethodName(),
                    dev.gewyvern.proto.v1.VerifyCompatibilityRequest.parser());
            var b = dev.gewyvern.proto.v1.CompatibilityReport.newBuilder();
            boolean admissible = true;
            for (dev.gewyvern.session.Requirement q : engine.verifyCompatibility(r.getPipeline())) {
                dev.gewyvern.proto.v1.RequirementLevel level = switch (q.level()) {
                    case FULLY_SUPPORTED -> dev.gewyvern.proto.v1.RequirementLevel.FULLY_SUPPORTED;
                    case RISKY -> dev.gewyvern.proto.v1.RequirementLevel.SUPPORTED_BUT_RISKY;
                    case NOT_SUPPORTED -> dev.gewyvern.proto.v1.RequirementLevel.NOT_SUPPORTED;
                };
                admissible &= q.level() == dev.gewyvern.session.Requirement.Level.FULLY_SUPPORTED
                        || q.level() == dev.gewyvern.session.Requirement.Level.RISKY && engine.policy().allowsRisky();
                b.addRequirements(dev.gewyvern.proto.v1.RequirementEntry.newBuilder().setKind(q.kind()).setName(q.name())
                        .setLevel(level).setReason(q.reason()).setNeededBy(q.neededBy()));
            }
            return b.setAdmissible(admissible).build();
        });
    }

    @Override
    public void applySession(SignedRequest req, StreamObserver<SessionStatus> out) {
        reply(out, () -> {
            ApplySessionRequest r = verifier.open(req, RuntimeGrpc.getApplySessionMethod().getFullMethodName(),
                    ApplySessionRequest.parser());
            return SessionStatus.newBuilder().setRecord(engine.apply(r.getPipeline(), PhaseListener.SILENT, 1)).build();
        });
    }

    @Override
    public void detachSession(SignedRequest req, StreamObserver<DetachResult> out) {
        reply(out, () -> {
            DetachSessionRequest r = verifier.open(req, RuntimeGrpc.getDetachSessionMethod().getFullMethodName(),
                    DetachSessionRequest.parser());
            int n = engine.detach(r.getSessionId());
            return DetachResult.newBuilder().setSessionId(r.getSessionId()).setPinsRemoved(n).build();
        });
    }

    @Override
    public void listSessions(SignedRequest req, StreamObserver<SessionList> out) {
        reply(out, () -> {
            verifier.open(req, RuntimeGrpc.getListSessionsMethod().getFullMethodName(), ListSessionsRequest.parser());
            SessionList.Builder b = SessionList.newBuilder();
            for (SessionSummary s : engine.list()) {
                b.addSessions(s.record());
            }
            return b.build();
        });
    }

    @Override
    public void getSession(SignedRequest req, StreamObserver<SessionDetail> out) {
        reply(out, () -> {
            GetSessionRequest r = verifier.open(req, RuntimeGrpc.getGetSessionMethod().getFullMethodName(),
                    GetSessionRequest.parser());
            int limit = r.getMapEntryLimit() == 0 ? 100 : (int) Math.min(r.getMapEntryLimit(), 10_000);
            SessionView v = engine.show(r.getSessionId(), limit);
            SessionDetail.Builder b = SessionDetail.newBuilder().setRecord(v.record());
            for (SessionView.ProgramView p : v.programs()) {
                dev.gewyvern.proto.v1.ProgramDetail.Builder pb = dev.gewyvern.proto.v1.ProgramDetail.newBuilder()
                        .setName(p.name()).setType(p.type()).setId(p.id()).setTag(p.tag())
                        .setVerifiedInsns(p.verifiedInsns()).setXlatedBytes(p.xlatedBytes())
                        .setJitedBytes(p.jitedBytes()).setLoadedAtUnixMs(p.loadedAtUnixMs()).setBtfId(p.btfId())
                        .addAllMapIds(p.mapIds()).setRunCount(p.runCount()).setRunTimeNs(p.runTimeNs());
                if (p.verification() != null) {
                    pb.setVerification(p.verification());
                }
                b.addPrograms(pb);
            }
            for (SessionView.LinkView l : v.links()) {
                b.addLinks(dev.gewyvern.proto.v1.LinkDetail.newBuilder().setName(l.name()).setType(l.type())
                        .setId(l.id()).setProgId(l.progId()).setTarget(l.target()));
            }
            for (SessionView.MapView m : v.maps()) {
                MapContents.Builder mb = MapContents.newBuilder().setName(m.name()).setType(m.type())
                        .setKeyType(m.keyType()).setValueType(m.valueType()).setTotalEntries(m.totalEntries())
                        .setId(m.id()).setMaxEntries(m.maxEntries()).setKeySize(m.keySize())
                        .setValueSize(m.valueSize()).setFlags(m.flags()).setBtfId(m.btfId());
                for (SessionView.Entry e : m.entries()) {
                    mb.addEntries(MapEntry.newBuilder().setKey(e.key()).setValue(e.value()));
                }
                b.addMaps(mb);
            }
            return b.build();
        });
    }

    @Override
    public void watchSession(SignedRequest req, StreamObserver<PhaseEvent> out) {
        WatchSessionRequest r;
        SessionView v;
        try {
            r = verifier.open(req, RuntimeGrpc.getWatchSessionMethod().getFullMethodName(), WatchSessionRequest.parser());
            v = engine.show(r.getSessionId(), 0);
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        } catch (SessionException e) {
            out.onError(status(e));
            return;
        }
        out.onNext(PhaseEvent.newBuilder().setSessionId(r.getSessionId()).setPhase(v.record().getPhase())
                .setMessage("session is " + v.record().getPhase()).setUnixMs(System.currentTimeMillis()).build());
        // the stream ends when the session is detached (or the caller goes away)
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        ServerCallStreamObserver<PhaseEvent> call = (ServerCallStreamObserver<PhaseEvent>) out;
        call.setOnCancelHandler(() -> {
            ScheduledFuture<?> f = task.get();
            if (f != null) {
                f.cancel(false);
            }
        });
        task.set(timer.scheduleWithFixedDelay(() -> {
            if (call.isCancelled()) {
                task.get().cancel(false);
                return;
            }
            if (!engine.exists(r.getSessionId())) {
                task.get().cancel(false);
                out.onCompleted();
            }
        }, 200, 200, TimeUnit.MILLISECONDS));
    }

}
