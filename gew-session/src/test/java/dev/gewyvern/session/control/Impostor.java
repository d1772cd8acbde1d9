package dev.gewyvern.session.control;

import java.io.IOException;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import dev.gewyvern.auth.SelfSignedCertificate;

/** A TLS 1.3 server with a key of its own, on loopback: it counts the handshakes clients complete with it. */
final class Impostor implements AutoCloseable {
    private final SSLServerSocket listener;
    final AtomicInteger handshakes = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();

    Impostor() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = "impostor".toCharArray();
        ks.setKeyEntry("key", kp.getPrivate(), pw, new java.security.cert.Certificate[] {SelfSignedCertificate.of(kp, "gewyvern")});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        kmf.init(ks, pw);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), null, null);
        listener = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!listener.isClosed()) {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    try {
                        s.startHandshake();
                        handshakes.incrementAndGet();
                    } catch (IOException e) {
                        refused.incrementAndGet();
                    }
                } catch (IOException e) {
                    // closed
                }
            }
        }, "impostor");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
