package dev.gewyvern.session.control;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Run as an unprivileged uid by a test: connects to the socket, sends the HTTP/2 preface and an empty
 * SETTINGS frame, and prints EOF when the server hangs up without answering, DATA when it answers.
 */
public final class NonRootProbe {
    private NonRootProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(args[0]));
            byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            ByteBuffer out = ByteBuffer.allocate(preface.length + 9);
            out.put(preface).put(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}).flip();
            int n;
            try {
                ch.write(out);
                n = ch.read(ByteBuffer.allocate(64));
            } catch (java.io.IOException e) {
                n = -1; // the server hung up first: broken pipe or reset
            }
            System.out.println(n <= 0 ? "EOF" : "DATA");
        }
    }
}
