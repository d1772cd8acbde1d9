package dev.gewyvern.session;

import dev.gewyvern.proto.v1.ObjectKind;
import dev.gewyvern.proto.v1.Phase;

/**
 * One thing a session did, as it happens: its session, the phase it belongs to, what it is about (its kind,
 * name and kernel id, 0 when it has none), and the sentence a person reads. Listeners decide by the fields;
 * the text is for printing only.
 */
public record PhaseEvent(String sessionId, Phase phase, ObjectKind kind, String name, int kernelId, String text) {
    public PhaseEvent {
        if (sessionId == null || phase == null || kind == null || name == null || text == null) {
            throw new NullPointerException("a phase event has a session, a phase, a kind, a name and a text");
        }
    }

    /** The step this event belongs to (its word starts a printed line). */
    public Step step() {
        return Step.of(phase);
    }

    /** The event as the control service streams it. */
    public dev.gewyvern.proto.v1.PhaseEvent toProto(long unixMs) {
        return dev.gewyvern.proto.v1.PhaseEvent.newBuilder().setSessionId(sessionId).setPhase(phase).setMessage(text)
                .setUnixMs(unixMs).setObjectKind(kind).setObjectName(name).setKernelId(kernelId).build();
    }
}
