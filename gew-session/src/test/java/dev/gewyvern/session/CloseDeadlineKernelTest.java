package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

/**
 * Issue 12 item 2: an exit with a deadline always detaches, even while an apply is stuck. The apply in
 * flight is stood in for by a thread holding the engine's apply lock and never letting go. Defence:
 * Engine.close(Duration) (the plain close() waits for that lock forever, and this test times out).
 */
class CloseDeadlineKernelTest {
    @Test
    void closeWithADeadlineDetachesWhileAnApplyHangs() throws Exception {
        KernelTestSupport.requireBpf();
        PinRoot root = new PinRoot(PinRoot.DEFAULT);
        Engine engine = Engine.start(root, "CloseDeadlineKernelTest");
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread stuck = new Thread(() -> {
            engine.lifecycleForTest().readLock().lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                engine.lifecycleForTest().readLock().unlock();
            }
        }, "stuck-apply");
        try {
            var rec = engine.apply(EngineKernelTest.execcount().build(), PhaseListener.SILENT, 1);
            Path dir = root.session(engine.instanceId(), rec.getSessionId());
            assertTrue(Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS));
            stuck.start();
            held.await();
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> engine.close(Duration.ofMillis(500)),
                    "close with a deadline returned although an apply held on");
            assertFalse(Files.exists(dir, LinkOption.NOFOLLOW_LINKS), "the session was detached");
            assertFalse(Files.exists(root.instance(engine.instanceId()), LinkOption.NOFOLLOW_LINKS));
        } finally {
            release.countDown();
            stuck.join();
            engine.close();
        }
    }
}
