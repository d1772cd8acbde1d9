package dev.gewyvern.session.control;

import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;

import dev.gewyvern.auth.Ed25519;

/** The runtime's Ed25519 identity: made once, kept as PKCS#8 in the state folder (0600). */
public final class Identity {
    static final String PRIVATE = "identity.key";
    static final String PUBLIC = "identity.pub";

    private final PrivateKey privateKey;
    private final byte[] rawPublic;

    private Identity(PrivateKey privateKey, byte[] rawPublic) {
        this.privateKey = privateKey;
        this.rawPublic = rawPublic;
    }

    public static Identity loadOrCreate(StateDir state) {
        byte[] pkcs8 = state.read(PRIVATE);
        byte[] pub = state.read(PUBLIC);
        if (pkcs8 == null || pub == null) {
            KeyPair kp = Ed25519.generate();
            byte[] raw = Ed25519.raw(kp.getPublic());
            state.write(PRIVATE, kp.getPrivate().getEncoded());
            state.write(PUBLIC, raw);
            return new Identity(kp.getPrivate(), raw);
        }
        try {
            PrivateKey key = Ed25519.privateKey(pkcs8);
            PublicKey pk = Ed25519.publicKey(pub);
            byte[] probe = "gewyvern identity check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            if (!Ed25519.verify(pk, probe, Ed25519.sign(key, probe))) {
                throw new ControlException(state.path().resolve(PUBLIC) + " does not match "
                        + state.path().resolve(PRIVATE) + ": the identity files were tampered with");
            }
            return new Identity(key, pub);
        } catch (InvalidKeyException e) {
            throw new ControlException("the runtime identity in " + state.path() + " is damaged: " + e.getMessage());
        }
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public byte[] rawPublicKey() {
        return rawPublic.clone();
    }

    /** runtime_id = SHA-256(raw public key); also the fingerprint inside pairing tokens. */
    public byte[] runtimeId() {
        return Ed25519.sha256(rawPublic);
    }
}
