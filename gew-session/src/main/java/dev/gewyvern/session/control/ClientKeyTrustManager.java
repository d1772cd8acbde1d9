package dev.gewyvern.session.control;

import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import dev.gewyvern.auth.Ed25519;
import dev.gewyvern.auth.PinnedKeyTrustManager;

/**
 * Which client certificates the TCP server's TLS accepts: one whose key is the paired control plane's
 * Ed25519 key; and, only while a pairing token is pending, any Ed25519 key (the control plane about to
 * pair presents its key already; {@link TlsGate} then lets it call Pair and nothing else).
 */
final class ClientKeyTrustManager extends PinnedKeyTrustManager {
    private final Pairing pairing;

    ClientKeyTrustManager(Pairing pairing) {
        super(Peer.CLIENT);
        this.pairing = pairing;
    }

    @Override
    protected void checkPeerKey(X509Certificate certificate) throws CertificateException {
        byte[] key;
        try {
            key = Ed25519.raw(certificate.getPublicKey());
        } catch (IllegalArgumentException e) {
            throw new CertificateException("the client certificate's key is not Ed25519");
        }
        var peer = pairing.peer();
        if (peer != null && MessageDigest.isEqual(peer.getPublicKey().toByteArray(), key)) {
            return;
        }
        if (pairing.pending() == null) {
            throw new CertificateException("the client certificate's key is not the paired control plane's");
        }
    }
}
