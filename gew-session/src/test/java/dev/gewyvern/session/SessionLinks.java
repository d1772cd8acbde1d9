package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

import dev.gewyvern.proto.v1.PinnedObject;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.syscall.Links;

/** A session's links by kernel id (ours only), to check a detach really removed them. */
final class SessionLinks {
    private SessionLinks() {
    }

    /** Detaches the session and waits (up to 2 s each) until the kernel has dropped each of its {@code n} links. */
    static void detachAndCheckGone(Engine engine, SessionRecord rec, int n) throws InterruptedException {
        List<Integer> ids = rec.getObjectsList().stream().filter(o -> o.getKind() == PinnedObject.Kind.LINK)
                .map(PinnedObject::getKernelId).toList();
        assertEquals(n, ids.size(), rec.getObjectsList().toString());
        engine.detach(rec.getSessionId());
        for (int id : ids) {
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (Links.exists(id) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(Links.exists(id), "link " + id + " is gone after detach");
        }
    }
}
