package dev.gewyvern.auth;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust both ends of the control interface's TLS share: names, issuers and dates mean nothing, the key in
 * the peer's certificate is all that is checked, against a key pinned at pairing. One side checks clients (the
 * runtime: the control plane's Ed25519 key), the other servers (the control plane's client: the runtime's TLS
 * key); each refuses to be asked about the other kind of peer. A subclass says only how it checks the key
 * ({@link #checkPeerKey}). TLS itself proves the peer holds the key's private half.
 */
public abstract class PinnedKeyTrustManager extends X509ExtendedTrustManager {
    /** Which peer a trust manager checks. */
    public enum Peer {
        /** The runtime checks the control plane connecting to it. */
        CLIENT("client"),
        /** The control plane's client checks the runtime it connects to. */
        SERVER("runtime");

        private final String noun;

        Peer(String noun) {
            this.noun = noun;
        }
    }

    private final Peer peer;

    protected PinnedKeyTrustManager(Peer peer) {
        this.peer = peer;
    }

    /**
     * Checks the key of the peer's own certificate (the first of the chain); throws, saying why, when it is not
     * one to trust.
     */
    protected abstract void checkPeerKey(X509Certificate certificate) throws CertificateException;

    private void check(Peer asked, X509Certificate[] chain) throws CertificateException {
        if (asked != peer) {
            throw new CertificateException("a trust manager of the " + peer.noun + "'s key does not check a "
                    + asked.noun);
        }
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the " + peer.noun + " presented no certificate");
        }
        checkPeerKey(chain[0]);
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(Peer.CLIENT, chain);
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(Peer.CLIENT, chain);
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(Peer.CLIENT, chain);
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(Peer.SERVER, chain);
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(Peer.SERVER, chain);
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(Peer.SERVER, chain);
    }

    /** No issuer is trusted: a key is. */
    @Override
    public final X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
