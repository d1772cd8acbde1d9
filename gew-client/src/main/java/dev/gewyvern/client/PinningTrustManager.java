package dev.gewyvern.client;

import java.net.Socket;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import dev.gewyvern.auth.Ed25519;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one TLS key: the runtime's, whose SHA-256 (of the certificate's SubjectPublicKeyInfo) the
 * control plane pinned at pairing. While pairing, nothing is pinned yet: the key seen is recorded and
 * checked against the hash the runtime signs in its pairing answer, and once that checks out it is pinned
 * here for the life of the client ({@link #pin}).
 */
final class PinningTrustManager extends X509ExtendedTrustManager {
    private volatile byte[] pinned;
    private volatile byte[] seen;

    PinningTrustManager(byte[] pinned) {
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

    static byte[] keyHash(X509Certificate cert) {
        return Ed25519.sha256(cert.getPublicKey().getEncoded());
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the runtime presented no certificate");
        }
        byte[] h = keyHash(chain[0]);
        seen = h;
        byte[] pin = pinned;
        if (pin != null && !MessageDigest.isEqual(pin, h)) {
            throw new CertificateException("the runtime's TLS key is not the one pinned at pairing");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client trust manager does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a client trust manager does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a client trust manager does not check clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
