package dev.gewyvern.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The part of the control interface's TLS trust both ends share: one kind of peer, its certificate's key only. */
class PinnedKeyTrustManagerTest {
    /** Trusts one key; records every certificate it was asked about. */
    private static final class OneKey extends PinnedKeyTrustManager {
        final List<X509Certificate> asked = new ArrayList<>();
        private final byte[] key;

        OneKey(Peer peer, KeyPair trusted) {
            super(peer);
            this.key = Ed25519.raw(trusted.getPublic());
        }

        @Override
        protected void checkPeerKey(X509Certificate certificate) throws CertificateException {
            asked.add(certificate);
            if (!java.util.Arrays.equals(key, Ed25519.raw(certificate.getPublicKey()))) {
                throw new CertificateException("not the pinned key");
            }
        }
    }

    @Test
    void onlyThePeersOwnCertificateIsCheckedAndOnlyItsKeyDecides() throws Exception {
        KeyPair trusted = Ed25519.generate();
        X509Certificate own = SelfSignedCertificate.of(trusted, "any name at all");
        X509Certificate issuer = SelfSignedCertificate.of(Ed25519.generate(), "an issuer");
        OneKey tm = new OneKey(PinnedKeyTrustManager.Peer.CLIENT, trusted);
        tm.checkClientTrusted(new X509Certificate[] {own, issuer}, "UNKNOWN");
        assertEquals(List.of(own), tm.asked, "the chain's first certificate only");
        CertificateException e = assertThrows(CertificateException.class,
                () -> tm.checkClientTrusted(new X509Certificate[] {issuer, own}, "UNKNOWN"));
        assertEquals("not the pinned key", e.getMessage());
        assertArrayEquals(new X509Certificate[0], tm.getAcceptedIssuers(), "no issuer is trusted");
    }

    @Test
    void aTrustManagerRefusesTheOtherKindOfPeerAndAnEmptyChain() throws Exception {
        KeyPair trusted = Ed25519.generate();
        X509Certificate own = SelfSignedCertificate.of(trusted, "gewyvern");
        OneKey ofServers = new OneKey(PinnedKeyTrustManager.Peer.SERVER, trusted);
        ofServers.checkServerTrusted(new X509Certificate[] {own}, "UNKNOWN");
        CertificateException client = assertThrows(CertificateException.class,
                () -> ofServers.checkClientTrusted(new X509Certificate[] {own}, "UNKNOWN"));
        assertTrue(client.getMessage().contains("does not check a client"), client.getMessage());
        CertificateException none = assertThrows(CertificateException.class,
                () -> ofServers.checkServerTrusted(new X509Certificate[0], "UNKNOWN"));
        assertEquals("the runtime presented no certificate", none.getMessage());
        assertThrows(CertificateException.class, () -> ofServers.checkServerTrusted(null, "UNKNOWN"));
        assertEquals(1, ofServers.asked.size(), "a refused kind of peer or an empty chain never reaches the key check");
    }
}
