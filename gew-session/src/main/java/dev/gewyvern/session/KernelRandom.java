package dev.gewyvern.session;

import java.io.FileInputStream;
import java.io.IOException;
import java.util.random.RandomGenerator;

/**
 * Random numbers from the kernel's CSPRNG, read from /dev/urandom: the source SecureRandom's default
 * (NativePRNG) reads as well, without the JDK's security-provider set-up, which costs a cold start some
 * 50 ms of CPU before the first number. Ids need unguessable bits, not an algorithm of the JCA's.
 * Thread-safe.
 */
final class KernelRandom implements RandomGenerator {
    static final KernelRandom INSTANCE = new KernelRandom();
    private static final String SOURCE = "/dev/urandom";

    private final byte[] buffer = new byte[128];
    private int next = buffer.length;

    private KernelRandom() {
    }

    @Override
    public synchronized long nextLong() {
        if (next + Long.BYTES > buffer.length) {
            refill();
        }
        long v = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            v = v << 8 | (buffer[next++] & 0xff);
        }
        return v;
    }

    private void refill() {
        try (FileInputStream in = new FileInputStream(SOURCE)) {
            if (in.readNBytes(buffer, 0, buffer.length) != buffer.length) {
                throw new IOException("short read");
            }
        } catch (IOException e) {
            throw SessionException.system(Step.CREATE, "cannot read random bytes from " + SOURCE + " for an id: "
                    + IoErrors.reason(e), e);
        }
        next = 0;
    }
}
