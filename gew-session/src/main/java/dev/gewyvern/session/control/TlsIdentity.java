package dev.gewyvern.session.control;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;

import dev.gewyvern.auth.Ed25519;
import dev.gewyvern.auth.SelfSignedCertificate;

/**
 * The TLS key and self-signed certificate `gew serve --listen tcp://…` presents: an ECDSA P-256 key,
 * made once and kept in the state folder. Trust does not come from the certificate's name or issuer but
 * from the control plane pinning the key's hash at pairing (it is signed into the pairing transcript).
 */
public final class TlsIdentity {
    static final String KEY = "tls.key";
    static final String CERT = "tls.crt";

    private final PrivateKey key;
    private final X509Certificate cert;

    private TlsIdentity(PrivateKey key, X509Certificate cert) {
        this.key = key;
        this.cert = cert;
    }

    public PrivateKey key() {
        return key;
    }

    public X509Certificate certificate() {
        return cert;
    }

    /** SHA-256 of the certificate's SubjectPublicKeyInfo: what the control plane pins. */
    public byte[] keySha256() {
        return Ed25519.sha256(cert.getPublicKey().getEncoded());
    }

    public static TlsIdentity loadOrCreate(StateDir state) {
        byte[] k = state.read(KEY);
        byte[] c = state.read(CERT);
        try {
            if (k == null || c == null) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                KeyPair kp = g.generateKeyPair();
                byte[] der = SelfSignedCertificate.der(kp, "gewyvern");
                state.write(KEY, kp.getPrivate().getEncoded());
                state.write(CERT, der);
                k = kp.getPrivate().getEncoded();
                c = der;
            }
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(k));
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(c));
            return new TlsIdentity(key, cert);
        } catch (GeneralSecurityException e) {
            throw new ControlException("the TLS identity in " + state.path() + " is unusable: " + e.getMessage());
        }
    }
}
