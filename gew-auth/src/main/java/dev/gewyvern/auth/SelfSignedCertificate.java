package dev.gewyvern.auth;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * One self-signed X.509 v3 certificate around a key pair, written as DER by hand (the JDK has no public
 * certificate builder). Over TLS neither end trusts a name or an issuer: each pins the other's key (the
 * runtime's TLS key is signed into the pairing answer; the control plane's certificate carries its
 * Ed25519 identity key, the one pinned at pairing). The certificate is only the envelope TLS wants.
 */
public final class SelfSignedCertificate {
    private static final byte[] ECDSA_SHA256 = {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02};
    private static final byte[] ED25519 = {0x06, 0x03, 0x2b, 0x65, 0x70};
    private static final byte[] CN = {0x06, 0x03, 0x55, 0x04, 0x03};

    private SelfSignedCertificate() {
    }

    /** A certificate for an EC P-256 key (signed SHA256withECDSA) or an Ed25519 key, named {@code cn}, valid 10 years. */
    public static X509Certificate of(KeyPair kp, String cn) throws GeneralSecurityException {
        return parse(der(kp, cn));
    }

    public static X509Certificate parse(byte[] der) throws GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    /** The DER encoding of {@link #of}. */
    public static byte[] der(KeyPair kp, String cn) throws GeneralSecurityException {
        boolean ed = kp.getPublic().getAlgorithm().equals("Ed25519") || kp.getPublic().getAlgorithm().equals("EdDSA");
        byte[] alg = ed ? tlv(0x30, ED25519) : tlv(0x30, ECDSA_SHA256);
        byte[] name = tlv(0x30, tlv(0x31, tlv(0x30, CN, tlv(0x0c, cn.getBytes(StandardCharsets.UTF_8)))));
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
        Signature s = Signature.getInstance(ed ? "Ed25519" : "SHA256withECDSA");
        s.initSign(kp.getPrivate());
        s.update(tbs);
        byte[] sig = s.sign();
        byte[] bitString = new byte[sig.length + 1];
        System.arraycopy(sig, 0, bitString, 1, sig.length);
        return tlv(0x30, tbs, alg, tlv(0x03, bitString));
    }

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
}
