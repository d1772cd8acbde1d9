package dev.gewyvern.auth;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.SecureRandom;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import dev.gewyvern.proto.v1.SignedRequest;

/**
 * GEW-SIG-V1: what a request's signature covers, as one fixed binary layout (protobuf encoding is not
 * canonical, so the payload is signed as bytes):
 * <pre>
 *   "GEW-SIG-V1\0"  runtime_id (32)  key_id (16)  u16 length + full gRPC method name (UTF-8)
 *   ts_unix_ms (8, big-endian)  nonce (16)  SHA-256(payload) (32)
 * </pre>
 */
public final class SignedRequests {
    public static final byte[] DOMAIN = "GEW-SIG-V1\0".getBytes(StandardCharsets.US_ASCII);
    public static final int NONCE_LENGTH = 16;
    public static final int KEY_ID_LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SignedRequests() {
    }

    /** The bytes a signature covers. */
    public static byte[] layout(byte[] runtimeId, byte[] keyId, String method, long tsUnixMs, byte[] nonce,
                                byte[] payload) {
        byte[] m = method.getBytes(StandardCharsets.UTF_8);
        if (m.length > 0xffff) {
            throw new IllegalArgumentException("method name too long");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(160 + m.length);
        out.writeBytes(DOMAIN);
        out.writeBytes(runtimeId);
        out.writeBytes(keyId);
        out.write(m.length >>> 8);
        out.write(m.length & 0xff);
        out.writeBytes(m);
        out.writeBytes(ByteBuffer.allocate(8).putLong(tsUnixMs).array());
        out.writeBytes(nonce);
        out.writeBytes(Ed25519.sha256(payload));
        return out.toByteArray();
    }

    /** Signs {@code payload} for {@code method} on the runtime {@code runtimeId}, now, with a fresh nonce. */
    public static SignedRequest sign(MessageLite payload, String method, byte[] runtimeId, byte[] rawPublicKey,
                                     PrivateKey key, long nowUnixMs) {
        byte[] body = payload.toByteArray();
        byte[] keyId = Ed25519.keyId(rawPublicKey);
        byte[] nonce = new byte[NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        byte[] sig = Ed25519.sign(key, layout(runtimeId, keyId, method, nowUnixMs, nonce, body));
        return SignedRequest.newBuilder().setPayload(ByteString.copyFrom(body)).setKeyId(ByteString.copyFrom(keyId))
                .setTsUnixMs(nowUnixMs).setNonce(ByteString.copyFrom(nonce)).setSig(ByteString.copyFrom(sig)).build();
    }
}
