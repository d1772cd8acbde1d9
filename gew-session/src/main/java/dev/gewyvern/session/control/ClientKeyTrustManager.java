package dev.gewyvern.session.control;

import java.net.Socket;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

import dev.gewyvern.auth.Ed25519;

/**
 * Which client certificates the TCP server's TLS accepts: one whose key is the paired control plane's
 * Ed25519 key; and, only while a pairing token is pending, any Ed25519 key (the control plane about to
 * pair presents its key already; {@link TlsGate} then lets it call Pair and nothing else). Names, issuers
 * and dates mean nothing here: trust is the pinned key. TLS itself proves the client holds the key.
 */
final class ClientKeyTrustManager extends X509ExtendedTrustManager {
    private final Pairing pairing;

    ClientKeyTrustManager(Pairing pairing) {
        this.pairing = pairing;
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no client certificate");
        }
        byte[] key;
        try {
            key = Ed25519.raw(chain[0].getPublicKey());
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

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the runtime does not check servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("the runtime does not check servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("the runtime does not check servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
