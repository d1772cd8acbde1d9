package dev.gewyvern.session.control;

import com.google.protobuf.ByteString;
import dev.gewyvern.proto.v1.RuntimeInfo;
import dev.gewyvern.session.Engine;

/** GetRuntimeInfo's answer: the engine's runtime info, with this runtime's id. */
final class RuntimeFacts {
    static final String VERSION = Engine.VERSION;

    private RuntimeFacts() {
    }

    static RuntimeInfo current(Engine engine, Identity identity) {
        return engine.runtimeInfo().toBuilder().setRuntimeId(ByteString.copyFrom(identity.runtimeId())).build();
    }
}
