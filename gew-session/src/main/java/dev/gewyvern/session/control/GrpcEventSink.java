package dev.gewyvern.session.control;

import dev.gewyvern.proto.v1.Event;
import dev.gewyvern.proto.v1.EventLoss;
import dev.gewyvern.proto.v1.EventMessage;
import dev.gewyvern.proto.v1.EventSummary;
import dev.gewyvern.session.EventStream;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * A WatchEvents stream as an event sink. It sends only when gRPC's transport can take a message
 * (isReady), so a client that stops reading makes the sink wait, never gRPC's buffers grow; meanwhile the
 * stream's bounded queue fills and the reader drops and counts what does not fit, which the client then
 * learns from EventLoss messages. The summary ends the call.
 */
final class GrpcEventSink implements EventStream.Sink {
    private final ServerCallStreamObserver<EventMessage> call;
    private final Object ready = new Object();
    private volatile boolean cancelled;

    GrpcEventSink(ServerCallStreamObserver<EventMessage> call) {
        this.call = call;
        call.setOnReadyHandler(() -> {
            synchronized (ready) {
                ready.notifyAll();
            }
        });
    }

    void cancel() {
        cancelled = true;
        synchronized (ready) {
            ready.notifyAll();
        }
    }

    private void send(EventMessage m) {
        while (!call.isReady()) {
            if (cancelled || call.isCancelled()) {
                throw new IllegalStateException("the client went away");
            }
            synchronized (ready) {
                try {
                    ready.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted");
                }
            }
        }
        if (cancelled || call.isCancelled()) {
            throw new IllegalStateException("the client went away");
        }
        call.onNext(m);
    }

    @Override
    public void started(java.util.List<String> maps) {
        send(EventMessage.newBuilder().setReady(dev.gewyvern.proto.v1.EventStreamReady.newBuilder().addAllMaps(maps))
                .build());
    }

    @Override
    public void event(Event e) {
        send(EventMessage.newBuilder().setEvent(e).build());
    }

    @Override
    public void loss(EventLoss l) {
        send(EventMessage.newBuilder().setLoss(l).build());
    }

    @Override
    public void end(EventSummary s) {
        if (cancelled || call.isCancelled()) {
            return;
        }
        call.onNext(EventMessage.newBuilder().setSummary(s).build());
        call.onCompleted();
    }
}
