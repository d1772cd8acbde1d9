package dev.gewyvern.session.control;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.gewyvern.auth.Ed25519;
import dev.gewyvern.auth.PairingToken;
import dev.gewyvern.auth.PairingTranscript;
import dev.gewyvern.proto.v1.PeerRecord;
import dev.gewyvern.proto.v1.PendingToken;

/**
 * Pairing state in the state folder: the one pending token (only its token key's public half: nothing
 * that could pair), and the paired control plane's key. Tokens expire, are single use (consumed
 * atomically), and burn after {@link #MAX_ATTEMPTS} bad attempts that name them.
 */
public final class Pairing {
    static final String TOKEN = "pairing-token.pb";
    static final String PEER = "peer.pb";
    public static final int MAX_ATTEMPTS = 5;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StateDir state;

    public Pairing(StateDir state) {
        this.state = state;
    }

    /** A new one-time token for `gew pair`; refused when a peer is paired unless {@code replace}. */
    public synchronized PairingToken newToken(Identity identity, Duration ttl, boolean replace) {
        if (peer() != null && !replace) {
            throw new ControlException("a control plane is already paired (see gew pair --status); "
                    + "pass --replace to pair another one instead");
        }
        byte[] id = new byte[16];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        PendingToken pending = PendingToken.newBuilder().setTokenId(ByteString.copyFrom(id))
                .setTokenPublicKey(ByteString.copyFrom(Ed25519.raw(PairingTranscript.tokenKey(secret).getPublic())))
                .setExpiresUnixMs(System.currentTimeMillis() + ttl.toMillis()).setReplace(replace).build();
        state.write(TOKEN, pending.toByteArray());
        return new PairingToken(identity.runtimeId(), id, secret);
    }

    public synchronized PendingToken pending() {
        byte[] b = state.read(TOKEN);
        if (b == null) {
            return null;
        }
        try {
            PendingToken t = PendingToken.parseFrom(b);
            if (t.getExpiresUnixMs() < System.currentTimeMillis() || t.getFailedAttempts() >= MAX_ATTEMPTS) {
                state.delete(TOKEN);
                return null;
            }
            return t;
        } catch (InvalidProtocolBufferException e) {
            throw new ControlException(state.path().resolve(TOKEN) + " is damaged: " + e.getMessage());
        }
    }

    /**
     * Counts a bad pairing attempt against the pending token, when the attempt named it ({@code tokenId} is
     * the pending token's id); the fifth burns it. An attempt naming another id says nothing about this
     * token's secret, so it does not count: a stranger cannot burn a token whose id it does not know.
     */
    public synchronized void recordFailure(byte[] tokenId) {
        PendingToken t = pending();
        if (t == null || !sameTokenId(t, tokenId)) {
            return;
        }
        PendingToken next = t.toBuilder().setFailedAttempts(t.getFailedAttempts() + 1).build();
        if (next.getFailedAttempts() >= MAX_ATTEMPTS) {
            state.delete(TOKEN);
        } else {
            state.write(TOKEN, next.toByteArray());
        }
    }

    /**
     * Consumes the pending token {@code tokenId} and pins the control plane's key, as one step: true when
     * this call did it; false when that token is no longer pending (used by a concurrent pairing, burnt,
     * expired, or replaced), and then nothing changes.
     */
    public synchronized boolean complete(byte[] tokenId, byte[] peerKey) {
        PendingToken t = pending();
        if (t == null || !sameTokenId(t, tokenId)) {
            return false;
        }
        state.write(PEER, PeerRecord.newBuilder().setPublicKey(ByteString.copyFrom(peerKey))
                .setPairedUnixMs(System.currentTimeMillis()).build().toByteArray());
        state.delete(TOKEN);
        return true;
    }

    public synchronized PeerRecord peer() {
        byte[] b = state.read(PEER);
        if (b == null) {
            return null;
        }
        try {
            return PeerRecord.parseFrom(b);
        } catch (InvalidProtocolBufferException e) {
            throw new ControlException(state.path().resolve(PEER) + " is damaged: " + e.getMessage());
        }
    }

    public synchronized boolean unpair() {
        boolean was = peer() != null;
        state.delete(PEER);
        state.delete(TOKEN);
        return was;
    }

    static boolean sameTokenId(PendingToken t, byte[] id) {
        return MessageDigest.isEqual(t.getTokenId().toByteArray(), id);
    }
}
