package dev.gewyvern.client;

import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

import dev.gewyvern.auth.Ed25519;
import dev.gewyvern.auth.PairingToken;
import dev.gewyvern.auth.PairingTranscript;
import dev.gewyvern.auth.SelfSignedCertificate;
import dev.gewyvern.auth.SignedRequests;
import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import dev.gewyvern.proto.v1.ApplySessionRequest;
import dev.gewyvern.proto.v1.DetachResult;
import dev.gewyvern.proto.v1.DetachSessionRequest;
import dev.gewyvern.proto.v1.GetRuntimeInfoRequest;
import dev.gewyvern.proto.v1.GetSessionRequest;
import dev.gewyvern.proto.v1.ListSessionsRequest;
import dev.gewyvern.proto.v1.PairRequest;
import dev.gewyvern.proto.v1.PairResponse;
import dev.gewyvern.proto.v1.PairingGrpc;
import dev.gewyvern.proto.v1.PhaseEvent;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.RuntimeGrpc;
import dev.gewyvern.proto.v1.RuntimeInfo;
import dev.gewyvern.proto.v1.SessionDetail;
import dev.gewyvern.proto.v1.SessionList;
import dev.gewyvern.proto.v1.SessionStatus;
import dev.gewyvern.proto.v1.SignedRequest;
import dev.gewyvern.proto.v1.WatchSessionRequest;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;

/**
 * A control plane's client of one gewyvern runtime: pairs with a one-time token (checking the runtime's
 * key against the token's fingerprint, so neither side trusts on first use), then signs every call.
 */
public final class GewClient implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * How long a unary call, Pair included, may take before it ends DEADLINE_EXCEEDED. Generous: the first call
     * of a client also opens its connection (TCP, TLS 1.3 with certificates both ways), and a runtime on a busy
     * host (a first apply loads and verifies programs) can take seconds for either.
     */
    private static final long CALL_DEADLINE_S = 60;

    private final ManagedChannel channel;
    private final EventLoopGroup group;
    private final PinningTrustManager tls;
    private final KeyPair identity;
    private final byte[] rawPublicKey;
    private byte[] runtimeKey;
    private byte[] runtimeId;
    private byte[] tlsKey;

    private GewClient(ManagedChannel channel, EventLoopGroup group, PinningTrustManager tls, KeyPair identity) {
        this.channel = channel;
        this.group = group;
        this.tls = tls;
        this.identity = identity;
        this.rawPublicKey = Ed25519.raw(identity.getPublic());
    }

    /** A client of the runtime listening on the Unix socket at {@code socket}. */
    public static GewClient unixSocket(Path socket, KeyPair identity) {
        EventLoopGroup group = new EpollEventLoopGroup(1);
        ManagedChannel ch = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .eventLoopGroup(group).channelType(EpollDomainSocketChannel.class).usePlaintext()
                .maxInboundMessageSize(16 << 20).build();
        return new GewClient(ch, group, null, identity);
    }

    /**
     * A client of the runtime serving TLS 1.3 on {@code host:port}. {@code pinnedTlsKey} is the hash
     * {@link #tlsKeySha256()} gave at pairing; null only to pair: such a client can call {@link #pair} and
     * nothing else until the pairing has verified (and pinned) the runtime's TLS key, which every later
     * connection must then present. The client's TLS certificate carries {@code identity}'s Ed25519 key
     * (mutual TLS): the runtime lets only the key it paired finish a handshake.
     */
    public static GewClient tcp(String host, int port, KeyPair identity, byte[] pinnedTlsKey) {
        PinningTrustManager tm = new PinningTrustManager(pinnedTlsKey);
        try {
            var ssl = io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts.configure(
                            io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder.forClient()
                                    .keyManager(identity.getPrivate(), SelfSignedCertificate.of(identity, "gewyvern control plane")),
                            io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider.JDK)
                    .protocols("TLSv1.3").trustManager(tm).build();
            EventLoopGroup group = new EpollEventLoopGroup(1);
            ManagedChannel ch = NettyChannelBuilder.forAddress(host, port).eventLoopGroup(group)
                    .channelType(io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel.class)
                    .sslContext(ssl).overrideAuthority("gewyvern").maxInboundMessageSize(16 << 20).build();
            return new GewClient(ch, group, tm, identity);
        } catch (javax.net.ssl.SSLException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** Over TCP: the SHA-256 of the runtime's TLS key, verified at pairing, to pin for later connections. */
    public byte[] tlsKeySha256() {
        return tlsKey == null ? null : tlsKey.clone();
    }


    public ManagedChannel channel() {
        return channel;
    }

    public byte[] publicKey() {
        return rawPublicKey.clone();
    }

    /** The runtime's raw public key, once paired or trusted. */
    public byte[] runtimeKey() {
        return runtimeKey == null ? null : runtimeKey.clone();
    }

    /** Uses a runtime key pinned at an earlier pairing. */
    public GewClient trustRuntime(byte[] rawRuntimeKey) {
        this.runtimeKey = rawRuntimeKey.clone();
        this.runtimeId = Ed25519.sha256(rawRuntimeKey);
        return this;
    }

    /**
     * Pairs with the runtime using the token `gew pair` printed. Verifies the runtime's answer (its key
     * against the token's fingerprint, over TCP the TLS key it signed for, and its signature over the whole exchange) before trusting it.
     */
    public byte[] pair(PairingToken token) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        byte[] transcript = PairingTranscript.client(token.tokenId(), token.runtimeFingerprint(), rawPublicKey, nonce);
        PairRequest req = PairRequest.newBuilder().setTokenId(ByteString.copyFrom(token.tokenId()))
                .setPublicKey(ByteString.copyFrom(rawPublicKey)).setNonce(ByteString.copyFrom(nonce))
                .setTokenSignature(ByteString.copyFrom(Ed25519.sign(PairingTranscript.tokenKey(token.secret()).getPrivate(),
                        transcript)))
                .setSignature(ByteString.copyFrom(Ed25519.sign(identity.getPrivate(), transcript))).build();
        PairResponse resp = PairingGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_DEADLINE_S, TimeUnit.SECONDS).pair(req);
        byte[] rk = resp.getRuntimePublicKey().toByteArray();
        if (!MessageDigest.isEqual(Ed25519.sha256(rk), token.runtimeFingerprint())) {
            throw new SecurityException("the runtime answered with a key that is not the one in the token");
        }
        byte[] tlsHash = resp.getTlsKeySha256().toByteArray();
        if (tls != null) {
            byte[] seen = tls.seen();
            if (seen == null || !MessageDigest.isEqual(seen, tlsHash)) {
                throw new SecurityException("the TLS key the runtime presented is not the one it signed for");
            }
        } else if (tlsHash.length != 0) {
            throw new SecurityException("the runtime named a TLS key on a Unix socket");
        }
        byte[] rt = PairingTranscript.runtime(transcript, rk, resp.getNonce().toByteArray(), tlsHash);
        PublicKey pk;
        try {
            pk = Ed25519.publicKey(rk);
        } catch (InvalidKeyException e) {
            throw new SecurityException("the runtime's key is unusable: " + e.getMessage());
        }
        if (!Ed25519.verify(pk, rt, resp.getSignature().toByteArray())) {
            throw new SecurityException("the runtime's pairing signature does not verify");
        }
        trustRuntime(rk);
        if (tls != null) {
            tls.pin(tlsHash); // from now on every connection must present this key
            tlsKey = tlsHash;
        }
        return rk.clone();
    }

    /** Signs a payload for a method of the Runtime service (public for tests that tamper with it). */
    public SignedRequest sign(MessageLite payload, MethodDescriptor<?, ?> method) {
        if (runtimeId == null) {
            throw new IllegalStateException("not paired: call pair(token) or trustRuntime(key) first");
        }
        if (tls != null && !tls.pinned()) {
            throw new IllegalStateException("a TCP client without the runtime's TLS key pinned can only pair: "
                    + "pair(token) first, or make the client with GewClient.tcp(host, port, keys, tlsKeySha256)");
        }
        return SignedRequests.sign(payload, method.getFullMethodName(), runtimeId, rawPublicKey,
                identity.getPrivate(), System.currentTimeMillis());
    }

    private RuntimeGrpc.RuntimeBlockingStub stub() {
        return RuntimeGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_DEADLINE_S, TimeUnit.SECONDS);
    }

    public RuntimeInfo runtimeInfo() {
        return stub().getRuntimeInfo(sign(GetRuntimeInfoRequest.getDefaultInstance(), RuntimeGrpc.getGetRuntimeInfoMethod()));
    }

    public dev.gewyvern.proto.v1.CapabilityReport capabilities() {
        return stub().getCapabilities(sign(dev.gewyvern.proto.v1.GetCapabilitiesRequest.getDefaultInstance(),
                RuntimeGrpc.getGetCapabilitiesMethod()));
    }

    public dev.gewyvern.proto.v1.CompatibilityReport verifyCompatibility(Pipeline pipeline) {
        return stub().verifyCompatibility(sign(dev.gewyvern.proto.v1.VerifyCompatibilityRequest.newBuilder()
                .setPipeline(pipeline).build(), RuntimeGrpc.getVerifyCompatibilityMethod()));
    }

    public SessionStatus apply(Pipeline pipeline) {
        return stub().applySession(sign(ApplySessionRequest.newBuilder().setPipeline(pipeline).build(),
                RuntimeGrpc.getApplySessionMethod()));
    }

    public DetachResult detach(String sessionId) {
        return stub().detachSession(sign(DetachSessionRequest.newBuilder().setSessionId(sessionId).build(),
                RuntimeGrpc.getDetachSessionMethod()));
    }

    public SessionList list() {
        return stub().listSessions(sign(ListSessionsRequest.getDefaultInstance(), RuntimeGrpc.getListSessionsMethod()));
    }

    public SessionDetail get(String sessionId, int mapEntryLimit) {
        return stub().getSession(sign(GetSessionRequest.newBuilder().setSessionId(sessionId)
                .setMapEntryLimit(mapEntryLimit).build(), RuntimeGrpc.getGetSessionMethod()));
    }

    public Iterator<PhaseEvent> watch(String sessionId) {
        return RuntimeGrpc.newBlockingStub(channel).watchSession(sign(WatchSessionRequest.newBuilder()
                .setSessionId(sessionId).build(), RuntimeGrpc.getWatchSessionMethod()));
    }

    private static dev.gewyvern.proto.v1.MapData json(String text) {
        return dev.gewyvern.proto.v1.MapData.newBuilder().setJson(text).build();
    }

    /** The entry under a key given as JSON typed by the map's BTF (or "hex:…"); no entries when there is none. */
    public dev.gewyvern.proto.v1.MapContents readMap(String sessionId, String map, String keyJson) {
        return stub().readMap(sign(dev.gewyvern.proto.v1.ReadMapRequest.newBuilder().setSessionId(sessionId).setMap(map)
                .setKey(json(keyJson)).build(), RuntimeGrpc.getReadMapMethod()));
    }

    /** A page of entries after {@code token} (empty: the first); its next_token is empty after the last page. */
    public dev.gewyvern.proto.v1.MapContents readMapPage(String sessionId, String map, com.google.protobuf.ByteString token,
                                                       int count) {
        return stub().readMap(sign(dev.gewyvern.proto.v1.ReadMapRequest.newBuilder().setSessionId(sessionId).setMap(map)
                .setPage(dev.gewyvern.proto.v1.MapPageRequest.newBuilder().setToken(token).setCount(count)).build(),
                RuntimeGrpc.getReadMapMethod()));
    }

    /** Writes an entry of a session this control plane applied; key and value as JSON typed by BTF. */
    public dev.gewyvern.proto.v1.MapWriteResult updateMap(String sessionId, String map, String keyJson, String valueJson,
                                                         dev.gewyvern.proto.v1.UpdateMode mode) {
        return stub().updateMap(sign(dev.gewyvern.proto.v1.UpdateMapRequest.newBuilder().setSessionId(sessionId)
                .setMap(map).setKey(json(keyJson)).setValue(json(valueJson)).setMode(mode).build(),
                RuntimeGrpc.getUpdateMapMethod()));
    }

    public dev.gewyvern.proto.v1.MapWriteResult deleteMapEntry(String sessionId, String map, String keyJson) {
        return stub().deleteMapEntry(sign(dev.gewyvern.proto.v1.DeleteMapEntryRequest.newBuilder()
                .setSessionId(sessionId).setMap(map).setKey(json(keyJson)).build(), RuntimeGrpc.getDeleteMapEntryMethod()));
    }

    /**
     * The events of a session's ring buffers and perf buffers as they arrive (decoded by the types named, or
     * raw): first a ready message once every map is open, then events and losses, and last a summary; the
     * stream ends when the session is detached. A caller that reads slowly loses events (counted in the
     * stream), never slows the runtime.
     */
    public Iterator<dev.gewyvern.proto.v1.EventMessage> watchEvents(String sessionId,
                                                                   java.util.List<dev.gewyvern.proto.v1.EventSource> sources,
                                                                   int buffer) {
        return RuntimeGrpc.newBlockingStub(channel).watchEvents(sign(dev.gewyvern.proto.v1.WatchEventsRequest.newBuilder()
                .setSessionId(sessionId).addAllSources(sources).setBuffer(buffer).build(),
                RuntimeGrpc.getWatchEventsMethod()));
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
