package dev.gewyvern.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** The token key: the one thing both ends derive from a token's secret. */
class PairingTranscriptTest {
    @Property(tries = 50)
    void theTokenKeyIsAFunctionOfTheSecretAndSigns(@ForAll @Size(min = 16, max = 64) byte[] secret,
                                                   @ForAll @Size(16) byte[] nonce) {
        KeyPair a = PairingTranscript.tokenKey(secret);
        KeyPair b = PairingTranscript.tokenKey(secret);
        assertArrayEquals(Ed25519.raw(a.getPublic()), Ed25519.raw(b.getPublic()));
        byte[] t = PairingTranscript.client(new byte[16], new byte[32], new byte[32], nonce);
        assertTrue(Ed25519.verify(b.getPublic(), t, Ed25519.sign(a.getPrivate(), t)));
        byte[] other = secret.clone();
        other[0] ^= 1;
        assertFalse(java.util.Arrays.equals(Ed25519.raw(a.getPublic()),
                Ed25519.raw(PairingTranscript.tokenKey(other).getPublic())));
    }
}
