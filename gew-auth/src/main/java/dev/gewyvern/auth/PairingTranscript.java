package dev.gewyvern.auth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What both sides of a pairing MAC and sign. The control plane's transcript binds the token id, the
 * runtime's fingerprint, its own key and nonce; the runtime's extends it with its key and nonce.
 */
public final class PairingTranscript {
    private static final byte[] CLIENT_TAG = "GEW-PAIR-V1 control plane\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RUNTIME_TAG = "GEW-PAIR-V1 runtime\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAC_KEY_LABEL = "GEW-PAIR-V1 mac key".getBytes(StandardCharsets.US_ASCII);

    private PairingTranscript() {
    }

    public static byte[] client(byte[] tokenId, byte[] runtimeFingerprint, byte[] clientKey, byte[] clientNonce) {
        return join(CLIENT_TAG, tokenId, runtimeFingerprint, clientKey, clientNonce);
    }

    /** {@code tlsKeySha256} is empty on the Unix socket, the pinned TLS key's hash over TCP. */
    public static byte[] runtime(byte[] clientTranscript, byte[] runtimeKey, byte[] runtimeNonce, byte[] tlsKeySha256) {
        return join(RUNTIME_TAG, clientTranscript, runtimeKey, runtimeNonce, tlsKeySha256);
    }

    private static byte[] join(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p.length >>> 8);
            out.write(p.length & 0xff);
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /**
     * The MAC key a token's secret gives: SHA-256 of a label and the secret. The runtime keeps only this
     * hash, never the secret itself.
     */
    public static byte[] macKey(byte[] secret) {
        return Ed25519.sha256(MAC_KEY_LABEL, secret);
    }

    /** HMAC-SHA256 of the transcript under {@code macKey}. */
    public static byte[] mac(byte[] macKey, byte[] transcript) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
            return mac.doFinal(transcript);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
