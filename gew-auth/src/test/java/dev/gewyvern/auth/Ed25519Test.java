package dev.gewyvern.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.HexFormat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class Ed25519Test {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] PKCS8_PREFIX = HEX.parseHex("302e020100300506032b657004220420");

    private static PrivateKey seed(String hex) throws InvalidKeyException {
        byte[] seed = HEX.parseHex(hex);
        byte[] der = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + 32);
        System.arraycopy(seed, 0, der, PKCS8_PREFIX.length, 32);
        return Ed25519.privateKey(der);
    }

    /** RFC 8032 section 7.1, tests 1 and 2: our keys and signatures are the standard's. */
    @Test
    void rfc8032Vectors() throws Exception {
        String[][] vectors = {
            {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
             "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
             "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
            {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
             "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
             "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
        };
        for (String[] v : vectors) {
            byte[] msg = HEX.parseHex(v[2]);
            byte[] sig = HEX.parseHex(v[3]);
            assertArrayEquals(sig, Ed25519.sign(seed(v[0]), msg), "deterministic signature");
            assertTrue(Ed25519.verify(Ed25519.publicKey(HEX.parseHex(v[1])), msg, sig));
            assertFalse(Ed25519.verify(Ed25519.publicKey(HEX.parseHex(v[1])), msg, sPlusL(sig)), "S + L is refused");
        }
    }

    static byte[] sPlusL(byte[] sig) {
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) {
            be[i] = sig[63 - i];
        }
        BigInteger l = BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));
        byte[] sum = new BigInteger(1, be).add(l).toByteArray();
        byte[] out = sig.clone();
        for (int i = 0; i < 32; i++) {
            int from = sum.length - 1 - i;
            out[32 + i] = from >= 0 ? sum[from] : 0;
        }
        return out;
    }

    @Test
    void smallOrderAndWrongLengthKeysAreRefused() {
        assertThrows(InvalidKeyException.class, () -> Ed25519.publicKey(new byte[32]));
        assertThrows(InvalidKeyException.class, () -> Ed25519.publicKey(HEX.parseHex(
                "0100000000000000000000000000000000000000000000000000000000000000")));
        assertThrows(InvalidKeyException.class, () -> Ed25519.publicKey(new byte[31]));
        assertThrows(InvalidKeyException.class, () -> Ed25519.publicKey(null));
    }

    @Property(tries = 50)
    void signaturesVerifyAndAnyBitFlipBreaksThem(@ForAll @Size(max = 200) byte[] message,
                                                 @ForAll @IntRange(min = 0, max = 511) int bit) throws Exception {
        KeyPair kp = Ed25519.generate();
        byte[] sig = Ed25519.sign(kp.getPrivate(), message);
        var pk = Ed25519.publicKey(Ed25519.raw(kp.getPublic()));
        assertTrue(Ed25519.verify(pk, message, sig));
        byte[] bad = sig.clone();
        bad[bit / 8] ^= (byte) (1 << (bit % 8));
        assertFalse(Ed25519.verify(pk, message, bad));
        assertFalse(Ed25519.verify(pk, message, Arrays.copyOf(sig, 63)));
    }

    @Property(tries = 200)
    void everyFieldOfTheLayoutIsCovered(@ForAll @Size(32) byte[] runtimeId, @ForAll @Size(16) byte[] keyId,
                                        @ForAll long ts, @ForAll @Size(16) byte[] nonce, @ForAll byte[] payload,
                                        @ForAll @IntRange(min = 0, max = 5) int field) {
        String method = "gewyvern.v1.Runtime/GetRuntimeInfo";
        byte[] base = SignedRequests.layout(runtimeId, keyId, method, ts, nonce, payload);
        byte[] other = switch (field) {
            case 0 -> SignedRequests.layout(flip(runtimeId), keyId, method, ts, nonce, payload);
            case 1 -> SignedRequests.layout(runtimeId, flip(keyId), method, ts, nonce, payload);
            case 2 -> SignedRequests.layout(runtimeId, keyId, "gewyvern.v1.Runtime/ListSessions", ts, nonce, payload);
            case 3 -> SignedRequests.layout(runtimeId, keyId, method, ts + 1, nonce, payload);
            case 4 -> SignedRequests.layout(runtimeId, keyId, method, ts, flip(nonce), payload);
            default -> SignedRequests.layout(runtimeId, keyId, method, ts, nonce, Arrays.copyOf(payload, payload.length + 1));
        };
        assertFalse(Arrays.equals(base, other), "field " + field + " changes what is signed");
        assertTrue(Arrays.equals(Arrays.copyOf(base, SignedRequests.DOMAIN.length), SignedRequests.DOMAIN));
    }

    private static byte[] flip(byte[] b) {
        byte[] c = b.clone();
        c[0] ^= 1;
        return c;
    }

    @Property(tries = 100)
    void pairingTokensRoundTrip(@ForAll @Size(32) byte[] fp, @ForAll @Size(16) byte[] id, @ForAll @Size(32) byte[] secret) {
        PairingToken t = PairingToken.parse(new PairingToken(fp, id, secret).format());
        assertArrayEquals(fp, t.runtimeFingerprint());
        assertArrayEquals(id, t.tokenId());
        assertArrayEquals(secret, t.secret());
        assertTrue(new PairingToken(fp, id, secret).format().startsWith("GEW1."));
    }

    @Test
    void damagedTokensAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PairingToken.parse("GEW2.a.b.c"));
        assertThrows(IllegalArgumentException.class, () -> PairingToken.parse("GEW1.AAAA.AAAA.AAAA"));
        assertThrows(IllegalArgumentException.class, () -> PairingToken.parse("GEW1.***.x.y"));
        assertNotEquals(0, Ed25519.keyId(new byte[32]).length);
        assertEquals(16, Ed25519.keyId(new byte[32]).length);
    }
}
