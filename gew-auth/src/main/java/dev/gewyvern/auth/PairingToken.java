package dev.gewyvern.auth;

import java.util.Base64;

/**
 * The one-time token {@code GEW1.<runtime fingerprint>.<token id>.<secret>} that `gew pair` prints
 * (base64url without padding): the fingerprint is SHA-256 of the runtime's raw public key, so the control
 * plane can check the key the runtime answers with; the secret keys the pairing MAC.
 */
public record PairingToken(byte[] runtimeFingerprint, byte[] tokenId, byte[] secret) {
    private static final Base64.Encoder ENC = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DEC = Base64.getUrlDecoder();

    public static PairingToken parse(String text) {
        String[] f = text.trim().split("\\.");
        if (f.length != 4 || !f[0].equals("GEW1")) {
            throw new IllegalArgumentException("not a gewyvern pairing token (want GEW1.<fingerprint>.<id>.<secret>)");
        }
        try {
            PairingToken t = new PairingToken(DEC.decode(f[1]), DEC.decode(f[2]), DEC.decode(f[3]));
            if (t.runtimeFingerprint.length != 32 || t.tokenId.length != 16 || t.secret.length < 16) {
                throw new IllegalArgumentException("pairing token fields have the wrong lengths");
            }
            return t;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pairing token is damaged: " + e.getMessage());
        }
    }

    public String format() {
        return "GEW1." + ENC.encodeToString(runtimeFingerprint) + "." + ENC.encodeToString(tokenId) + "."
                + ENC.encodeToString(secret);
    }

    @Override
    public String toString() {
        return "PairingToken[" + ENC.encodeToString(tokenId) + "]";
    }
}
