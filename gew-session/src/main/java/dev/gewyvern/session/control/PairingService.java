package dev.gewyvern.session.control;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.function.Consumer;

import com.google.protobuf.ByteString;
import dev.gewyvern.auth.Ed25519;
import dev.gewyvern.auth.PairingTranscript;
import dev.gewyvern.proto.v1.PairRequest;
import dev.gewyvern.proto.v1.PairResponse;
import dev.gewyvern.proto.v1.PairingGrpc;
import dev.gewyvern.proto.v1.PendingToken;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** Pairing.Pair: the one unsigned call. Refused without a pending token; rate limited; constant-time MAC check. */
final class PairingService extends PairingGrpc.PairingImplBase {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** At most this many Pair calls in {@link #RATE_WINDOW_MS}. */
    static final int RATE_LIMIT = 10;
    static final long RATE_WINDOW_MS = 10_000;

    private final Pairing pairing;
    private final Identity identity;
    private final Consumer<String> log;
    private final byte[] tlsKeySha256;
    private long windowStart;
    private int callsInWindow;

    /** {@code tlsKeySha256} is empty on the Unix socket, the TLS key's hash when serving TCP. */
    PairingService(Pairing pairing, Identity identity, byte[] tlsKeySha256, Consumer<String> log) {
        this.pairing = pairing;
        this.identity = identity;
        this.tlsKeySha256 = tlsKeySha256.clone();
        this.log = log;
    }

    private synchronized boolean allowed() {
        long now = System.currentTimeMillis();
        if (now - windowStart > RATE_WINDOW_MS) {
            windowStart = now;
            callsInWindow = 0;
        }
        return ++callsInWindow <= RATE_LIMIT;
    }

    @Override
    public void pair(PairRequest req, StreamObserver<PairResponse> out) {
        if (!allowed()) {
            out.onError(Status.RESOURCE_EXHAUSTED.withDescription("too many pairing attempts; wait and retry")
                    .asRuntimeException());
            return;
        }
        PendingToken token = pairing.pending();
        if (token == null) {
            log.accept("refused Pair: no token is pending");
            out.onError(Status.FAILED_PRECONDITION.withDescription("no pairing token is pending: run `gew pair` "
                    + "on the runtime's machine first").asRuntimeException());
            return;
        }
        byte[] key = req.getPublicKey().toByteArray();
        byte[] nonce = req.getNonce().toByteArray();
        byte[] transcript = PairingTranscript.client(req.getTokenId().toByteArray(), identity.runtimeId(), key, nonce);
        byte[] macKey = token.getSecretSha256().toByteArray();
        boolean macOk = MessageDigest.isEqual(PairingTranscript.mac(macKey, transcript), req.getMac().toByteArray());
        boolean idOk = Pairing.sameTokenId(token, req.getTokenId().toByteArray());
        PublicKey pk = null;
        try {
            pk = Ed25519.publicKey(key);
        } catch (InvalidKeyException e) {
            log.accept("refused Pair: " + e.getMessage());
        }
        boolean sigOk = pk != null && nonce.length == 16 && Ed25519.verify(pk, transcript, req.getSignature().toByteArray());
        if (!(macOk && idOk && sigOk)) {
            pairing.recordFailure();
            log.accept("refused Pair: " + (!idOk ? "unknown token id" : !macOk ? "bad MAC" : "bad key or signature"));
            out.onError(Status.UNAUTHENTICATED.asRuntimeException());
            return;
        }
        pairing.complete(key);
        byte[] runtimeNonce = new byte[16];
        RANDOM.nextBytes(runtimeNonce);
        byte[] rt = PairingTranscript.runtime(transcript, identity.rawPublicKey(), runtimeNonce, tlsKeySha256);
        log.accept("paired with control plane key " + java.util.HexFormat.of().formatHex(Ed25519.keyId(key)));
        out.onNext(PairResponse.newBuilder().setRuntimePublicKey(ByteString.copyFrom(identity.rawPublicKey()))
                .setNonce(ByteString.copyFrom(runtimeNonce)).setMac(ByteString.copyFrom(PairingTranscript.mac(macKey, rt)))
                .setSignature(ByteString.copyFrom(Ed25519.sign(identity.privateKey(), rt)))
                .setTlsKeySha256(ByteString.copyFrom(tlsKeySha256)).build());
        out.onCompleted();
    }
}
