package dev.gewyvern.auth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;

/**
 * What both sides of a pairing sign (GEW-PAIR-V2). The control plane's transcript binds the token id, the
 * runtime's fingerprint, its own key and nonce; the runtime's extends it with its key, its nonce and (over
 * TCP) the hash of its TLS key.
 *
 * <p>The token's secret never travels and is never stored: it is the seed of a <em>token key</em>, an
 * Ed25519 key pair ({@link #tokenKey}). The runtime keeps only the token key's public half; the control
 * plane proves it holds the token by signing its transcript with the private half. So the runtime's state
 * file holds nothing that could pair (a MAC key would: whoever reads it could compute the MAC), and a
 * signature, unlike the secret itself, is bound to the control plane's key and nonce.
 */
public final class PairingTranscript {
    private static final byte[] CLIENT_TAG = "GEW-PAIR-V2 control plane\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RUNTIME_TAG = "GEW-PAIR-V2 runtime\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TOKEN_KEY_LABEL = "GEW-PAIR-V2 token key\0".getBytes(StandardCharsets.US_ASCII);

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
     * The token key of a token's secret: the Ed25519 key pair whose 32-byte private seed is SHA-256 of a
     * label and the secret. Deterministic: `gew pair` derives it to store the public half, the control
     * plane derives it to sign.
     */
    public static KeyPair tokenKey(byte[] secret) {
        byte[] seed = Ed25519.sha256(TOKEN_KEY_LABEL, secret);
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(NamedParameterSpec.ED25519, new Seed(seed));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** A "random" source that gives the JDK's Ed25519 generator one fixed seed: its private key. */
    private static final class Seed extends SecureRandom {
        private static final long serialVersionUID = 1;
        private final byte[] seed;

        Seed(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("the Ed25519 generator asked for " + bytes.length + " bytes, not 32");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
            Arrays.fill(seed, (byte) 0);
        }
    }
}
