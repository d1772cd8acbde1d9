package dev.gewyvern.session.control;

import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.util.function.Consumer;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.gewyvern.auth.Ed25519;
import dev.gewyvern.auth.SignedRequests;
import dev.gewyvern.proto.v1.PeerRecord;
import dev.gewyvern.proto.v1.SignedRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Checks a SignedRequest in docs/security.md's order, failing closed: sizes; field lengths; key_id is the
 * pinned key; freshness; signature; nonce not seen; then the payload parses with no unknown fields.
 * Every failure is the same UNAUTHENTICATED with no detail; the reason goes to the local log.
 */
final class RequestVerifier {
    static final long WINDOW_MS = 30_000;
    static final int MAX_PAYLOAD = 4 << 20;

    private final Pairing pairing;
    private final byte[] runtimeId;
    private final long processStartMs;
    private final NonceCache nonces;
    private final Consumer<String> log;

    RequestVerifier(Pairing pairing, byte[] runtimeId, long processStartMs, int nonceCapacity, Consumer<String> log) {
        this.pairing = pairing;
        this.runtimeId = runtimeId.clone();
        this.processStartMs = processStartMs;
        this.nonces = new NonceCache(nonceCapacity, 2 * WINDOW_MS);
        this.log = log;
    }

    private StatusRuntimeException deny(String method, String reason) {
        log.accept("refused " + escape(method) + ": " + reason);
        return Status.UNAUTHENTICATED.asRuntimeException();
    }

    /** The verified payload, parsed; {@code method} is the full method name of the call as the server sees it. */
    <T extends Message> T open(SignedRequest req, String method, Parser<T> parser) {
        if (req.getPayload().size() > MAX_PAYLOAD) {
            throw deny(method, "payload of " + req.getPayload().size() + " bytes");
        }
        if (req.getKeyId().size() != SignedRequests.KEY_ID_LENGTH || req.getNonce().size() != SignedRequests.NONCE_LENGTH
                || req.getSig().size() != Ed25519.SIGNATURE_LENGTH || !req.getUnknownFields().asMap().isEmpty()) {
            throw deny(method, "malformed envelope");
        }
        PeerRecord peer = pairing.peer();
        if (peer == null) {
            throw deny(method, "no control plane is paired");
        }
        byte[] peerKey = peer.getPublicKey().toByteArray();
        if (!java.security.MessageDigest.isEqual(Ed25519.keyId(peerKey), req.getKeyId().toByteArray())) {
            throw deny(method, "key_id is not the paired control plane's");
        }
        long now = System.currentTimeMillis();
        long ts = req.getTsUnixMs();
        if (!fresh(ts, now, processStartMs)) {
            throw deny(method, "timestamp " + ts + " is outside the window (now " + now + ", serving since "
                    + processStartMs + ")");
        }
        PublicKey pk;
        try {
            pk = Ed25519.publicKey(peerKey);
        } catch (InvalidKeyException e) {
            throw deny(method, "the pinned key is unusable: " + e.getMessage());
        }
        byte[] layout = SignedRequests.layout(runtimeId, req.getKeyId().toByteArray(), method, ts,
                req.getNonce().toByteArray(), req.getPayload().toByteArray());
        if (!Ed25519.verify(pk, layout, req.getSig().toByteArray())) {
            throw deny(method, "bad signature");
        }
        switch (nonces.record(req.getNonce().toByteArray(), now)) {
            case REPLAY -> throw deny(method, "replayed nonce");
            case FULL -> throw deny(method, "nonce cache full");
            default -> { }
        }
        T payload;
        try {
            payload = parser.parseFrom(req.getPayload());
        } catch (InvalidProtocolBufferException e) {
            throw deny(method, "payload does not parse: " + e.getMessage());
        }
        if (hasUnknownFields(payload, 0)) {
            throw deny(method, "payload has unknown fields");
        }
        return payload;
    }

    /**
     * Whether a request signed at {@code ts} may be served at {@code now} by a server that started at
     * {@code processStartMs}: within {@link #WINDOW_MS} either way, and never signed before this process
     * started, since the nonces of the requests an earlier process served are not remembered (a request
     * captured before a restart cannot be replayed after it). Compares without subtracting {@code ts}, so
     * no timestamp can overflow its way in.
     */
    static boolean fresh(long ts, long now, long processStartMs) {
        return ts >= processStartMs && ts >= now - WINDOW_MS && ts <= now + WINDOW_MS;
    }

    private static boolean hasUnknownFields(Message m, int depth) {
        if (depth > 32 || !m.getUnknownFields().asMap().isEmpty()) {
            return true;
        }
        for (var e : m.getAllFields().entrySet()) {
            Object v = e.getValue();
            if (v instanceof Message sub && hasUnknownFields(sub, depth + 1)) {
                return true;
            }
            if (v instanceof java.util.List<?> list) {
                for (Object o : list) {
                    if (o instanceof Message sub && hasUnknownFields(sub, depth + 1)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c < 0x20 || c > 0x7e ? String.format("\\x%02x", (int) c) : c);
        }
        return sb.toString();
    }
}
