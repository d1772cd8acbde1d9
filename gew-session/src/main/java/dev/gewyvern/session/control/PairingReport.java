package dev.gewyvern.session.control;

import java.util.HexFormat;

import dev.gewyvern.auth.Ed25519;
import dev.gewyvern.proto.v1.PairingStatus;
import dev.gewyvern.proto.v1.PeerRecord;
import dev.gewyvern.proto.v1.PendingToken;

/** {@code gew pair --status}: this runtime's fingerprint, the paired control plane, and a pending token. */
public final class PairingReport {
    private PairingReport() {
    }

    public static PairingStatus of(Identity identity, Pairing pairing) {
        HexFormat hex = HexFormat.of();
        PairingStatus.Builder b = PairingStatus.newBuilder().setRuntimeFingerprint(hex.formatHex(identity.runtimeId()));
        PeerRecord peer = pairing.peer();
        if (peer != null) {
            b.setPaired(true).setPeerKeyId(hex.formatHex(Ed25519.keyId(peer.getPublicKey().toByteArray())))
                    .setPairedUnixMs(peer.getPairedUnixMs());
        }
        PendingToken pending = pairing.pending();
        if (pending != null) {
            b.setTokenPending(true).setTokenExpiresUnixMs(pending.getExpiresUnixMs()).setTokenReplaces(pending.getReplace());
        }
        return b.build();
    }
}
