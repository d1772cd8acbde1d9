package dev.gewyvern.session.control;

import java.security.InvalidKeyException;
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

/**
 * Pairing.Pair: the one unsigned call. Rate limited per source (and overall); refused without a pending
 * token; the caller proves it holds the token by a signature with the token key, and its own key by a
 * signature with that key; the token is consumed in one step with the pinning, so of two concurrent
 * valid calls one wins.
 */
final class PairingService extends PairingGrpc.PairingImplBase {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Pairing pairing;
    private final Identity identity;
    private final Consumer<String> log;
    private final byte[] tlsKeySha256;
    private final PairLimiter limiter;

    /**
     * {@code tlsKeySha256} is empty on the Unix socket, the TLS key's hash when serving TCP; {@code limiter}
     * counts the calls (a test gives it a clock that stands still).
     */
    PairingService(Pairing pairing, Identity identity, byte[] tlsKeySha256, PairLimiter limiter, Consumer<String> log) {
        this.limiter = limiter;
        this.pairing = pairing;
        this.identity = identity;
        this.tlsKeySha256 = tlsKeySha256.clone();
        this.log = log;
    }

    @Override
    public void pair(PairRequest req, StreamObserver<PairResponse> out) {
        String source = CallerSource.current();
        if (!limiter.allow(source)) {
            out.onError(Status.RESOURCE_EXHAUSTED.withDescription("too many pairing attempts; wait and retry")
                    .asRuntimeException());
            return;
        }
        PendingToken token = pairing.pending();
        if (token == null) {
            log.accept("refused Pair from " + source + ": no token is pending");
            out.onError(Status.FAILED_PRECONDITION.withDescription("no pairing token is pending: run `gew pair` "
                    + "on the runtime's machine first").asRuntimeException());
            return;
        }
        byte[] tokenId = req.getTokenId().toByteArray();
        byte[] key = req.getPublicKey().toByteArray();
        byte[] nonce = req.getNonce().toByteArray();
        byte[] transcript = PairingTranscript.client(tokenId, identity.runtimeId(), key, nonce);
        boolean idOk = Pairing.sameTokenId(token, tokenId);
        boolean tokenOk = verify(token.getTokenPublicKey().toByteArray(), transcript, req.getTokenSignature());
        boolean sigOk = nonce.length == 16 && verify(key, transcript, req.getSignature());
        if (!(idOk && tokenOk && sigOk)) {
            pairing.recordFailure(tokenId); // counts only when it named the pending token
            log.accept("refused Pair from " + source + ": "
                    + (!idOk ? "unknown token id" : !tokenOk ? "bad token signature" : "bad key or signature"));
            out.onError(Status.UNAUTHENTICATED.asRuntimeException());
            return;
        }
        if (!pairing.complete(tokenId, key)) {
            log.accept("refused Pair from " + source + ": the token was used meanwhile");
            out.onError(Status.FAILED_PRECONDITION.withDescription("that pairing token is no longer pending (used, "
                    + "burnt or replaced): run `gew pair` again").asRuntimeException());
            return;
        }
        byte[] runtimeNonce = new byte[16];
        RANDOM.nextBytes(runtimeNonce);
        byte[] rt = PairingTranscript.runtime(transcript, identity.rawPublicKey(), runtimeNonce, tlsKeySha256);
        log.accept("paired with control plane key " + java.util.HexFormat.of().formatHex(Ed25519.keyId(key)));
        out.onNext(PairResponse.newBuilder().setRuntimePublicKey(ByteString.copyFrom(identity.rawPublicKey()))
                .setNonce(ByteString.copyFrom(runtimeNonce))
                .setSignature(ByteString.copyFrom(Ed25519.sign(identity.privateKey(), rt)))
                .setTlsKeySha256(ByteString.copyFrom(tlsKeySha256)).build());
        out.onCompleted();
    }

    private static boolean verify(byte[] rawKey, byte[] message, ByteString signature) {
        PublicKey pk;
        try {
            pk = Ed25519.publicKey(rawKey);
        } catch (InvalidKeyException e) {
            return false;
        }
        return Ed25519.verify(pk, message, signature.toByteArray());
    }
}
