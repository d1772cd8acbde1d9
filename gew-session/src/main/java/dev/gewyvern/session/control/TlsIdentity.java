package dev.gewyvern.session.control;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import dev.gewyvern.auth.Ed25519;

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
                byte[] der = selfSigned(kp);
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

    // --- a minimal DER writer for one self-signed X.509 v3 certificate ---

    private static final byte[] ECDSA_SHA256 = {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02};
    private static final byte[] CN = {0x06, 0x03, 0x55, 0x04, 0x03};

    private static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            body.writeBytes(p);
        }
        int n = body.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else {
            out.write(0x82);
            out.write(n >>> 8);
            out.write(n & 0xff);
        }
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static byte[] time(ZonedDateTime t) {
        return tlv(0x17, DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").format(t).getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] selfSigned(KeyPair kp) throws GeneralSecurityException {
        byte[] alg = tlv(0x30, ECDSA_SHA256);
        byte[] name = tlv(0x30, tlv(0x31, tlv(0x30, CN, tlv(0x0c, "gewyvern".getBytes(StandardCharsets.UTF_8)))));
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).withNano(0);
        byte[] serial = new BigInteger(63, new SecureRandom()).add(BigInteger.ONE).toByteArray();
        byte[] tbs = tlv(0x30,
                tlv(0xa0, tlv(0x02, new byte[] {2})),
                tlv(0x02, serial),
                alg,
                name,
                tlv(0x30, time(now.minusDays(1)), time(now.plusYears(10))),
                name,
                kp.getPublic().getEncoded());
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(kp.getPrivate());
        s.update(tbs);
        byte[] sig = s.sign();
        byte[] bitString = new byte[sig.length + 1];
        System.arraycopy(sig, 0, bitString, 1, sig.length);
        return tlv(0x30, tbs, alg, tlv(0x03, bitString));
    }
}
