package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

import dev.gewyvern.proto.v1.PinnedObject;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.syscall.link.Links;

/**
 * A session's links and programs by kernel id (ours only), to check a detach really removed them. The
 * programs matter too: the kernel drops a link's id before it has finished detaching it (a uprobe.multi
 * link unregisters its uprobes after), but it releases the link's program only once that is done.
 */
final class SessionLinks {
    private SessionLinks() {
    }

    /**
     * Detaches the session and waits (up to 2 s each) until the kernel has dropped each of its {@code n} links,
     * then each of its programs (bpftool looks them up by id), so they no longer run.
     */
    static void detachAndCheckGone(Engine engine, SessionRecord rec, int n) throws Exception {
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
        for (PinnedObject o : rec.getObjectsList()) {
            if (o.getKind() != PinnedObject.Kind.PROGRAM) {
                continue;
            }
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (programExists(o.getKernelId()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(programExists(o.getKernelId()), "program " + o.getName() + " (id " + o.getKernelId()
                    + ") is gone after detach");
        }
    }

    private static boolean programExists(int id) throws Exception {
        Process p = new ProcessBuilder("bpftool", "prog", "show", "id", Integer.toString(id))
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }
}
