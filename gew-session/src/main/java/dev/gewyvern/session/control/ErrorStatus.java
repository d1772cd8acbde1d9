package dev.gewyvern.session.control;

import java.util.Map;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.DebugInfo;
import com.google.rpc.ErrorInfo;
import dev.gewyvern.session.Requirement;
import dev.gewyvern.session.SessionException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * A session failure as a gRPC status: the code comes from the failure's kind (this is the one place that
 * maps them), the message names the step, and the details carry the kind, step, requirement and
 * verifier log as fields (google.rpc.ErrorInfo, DebugInfo) so a client never parses the message.
 */
final class ErrorStatus {
    static final String DOMAIN = "gewyvern.dev";

    private ErrorStatus() {
    }

    static Code code(SessionException.Kind kind) {
        return switch (kind) {
            case INVALID -> Code.INVALID_ARGUMENT;
            case NOT_FOUND -> Code.NOT_FOUND;
            case UNSUPPORTED, KERNEL, SYSTEM -> Code.FAILED_PRECONDITION;
            case REFUSED -> Code.PERMISSION_DENIED;
            case INTERNAL -> Code.INTERNAL;
        };
    }

    static StatusRuntimeException of(SessionException e) {
        Requirement r = e.requirement();
        ErrorInfo.Builder info = ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(e.kind().name())
                .putMetadata("step", e.step().word());
        if (r != null) {
            info.putAllMetadata(Map.of("requirement", r.label(), "level", r.level().name(), "reason", r.reason(),
                    "needed_by", r.neededBy()));
        }
        com.google.rpc.Status.Builder s = com.google.rpc.Status.newBuilder().setCode(code(e.kind()).getNumber())
                .setMessage(e.step().word() + ": " + e.getMessage()).addDetails(Any.pack(info.build()));
        if (e.verifierLog() != null) {
            s.addDetails(Any.pack(DebugInfo.newBuilder().setDetail(e.verifierLog()).build()));
        }
        return StatusProto.toStatusRuntimeException(s.build());
    }
}
