package dev.gewyvern.client;

import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import dev.gewyvern.auth.Ed25519;
import dev.gewyvern.auth.PinnedKeyTrustManager;

/**
 * Trusts exactly one TLS key: the runtime's, whose SHA-256 (of the certificate's SubjectPublicKeyInfo) the
 * control plane pinned at pairing. While pairing, nothing is pinned yet: the key seen is recorded and
 * checked against the hash the runtime signs in its pairing answer, and once that checks out it is pinned
 * here for the life of the client ({@link #pin}).
 */
final class PinningTrustManager extends PinnedKeyTrustManager {
    private volatile byte[] pinned;
    private volatile byte[] seen;

    PinningTrustManager(byte[] pinned) {
        super(Peer.SERVER);
        this.pinned = pinned == null ? null : pinned.clone();
    }

    /** Pins the key pairing verified; a pin once set never changes. */
    synchronized void pin(byte[] keyHash) {
        if (pinned != null && !MessageDigest.isEqual(pinned, keyHash)) {
            throw new SecurityException("the runtime's TLS key is already pinned to another key");
        }
        pinned = keyHash.clone();
    }

    boolean pinned() {
        return pinned != null;
    }

    byte[] seen() {
        return seen == null ? null : seen.clone();
    }

    @Override
    protected void checkPeerKey(X509Certificate certificate) throws CertificateException {
        byte[] h = Ed25519.sha256(certificate.getPublicKey().getEncoded());
        seen = h;
        byte[] pin = pinned;
        if (pin != null && !MessageDigest.isEqual(pin, h)) {
            throw new CertificateException("the runtime's TLS key is not the one pinned at pairing");
        }
    }
}
