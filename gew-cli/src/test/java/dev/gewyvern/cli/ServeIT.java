package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import dev.gewyvern.auth.Ed25519;
import dev.gewyvern.client.GewClient;
import dev.gewyvern.auth.PairingToken;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.Tracepoint;
import org.junit.jupiter.api.Test;

/** `gew serve` and `gew pair` as a user runs them, with the Java client as the control plane. */
class ServeIT {
    @Test
    void pairApplyAndSigtermDetaches() throws Exception {
        Gew.requireBpf();
        Path dir = Files.createTempDirectory("gew-serve");
        Path socket = dir.resolve("run/gew.sock");
        Path state = dir.resolve("state");
        try (Gew.Running serve = new Gew.Running("serve", "--socket", socket.toString(), "--state-dir", state.toString(),
                "--object-dir", Gew.repo().resolve("testdata/obj").toString())) {
            serve.awaitLine("listening on");
            Gew.Result pair = Gew.run("pair", "--state-dir", state.toString(), "--ttl", "2m");
            assertEquals(0, pair.exit(), pair.toString());
            PairingToken token = PairingToken.parse(pair.out().lines().filter(l -> l.startsWith("GEW1."))
                    .findFirst().orElseThrow());
            Path sessionDir;
            try (GewClient client = GewClient.unixSocket(socket, Ed25519.generate())) {
                client.pair(token);
                assertTrue(client.runtimeInfo().getBtf());
                Pipeline p = Pipeline.newBuilder().setName("serve")
                        .addObjects(BpfObject.newBuilder().setId("execcount")
                                .setPath(Gew.repo().resolve("testdata/obj/execcount.bpf.o").toString()))
                        .addPrograms(Program.newBuilder().setObject("execcount").setName("count_exits")
                                .setAttach(AttachTarget.newBuilder().setTracepoint(Tracepoint.newBuilder()
                                        .setCategory("sched").setName("sched_process_exit")))).build();
                var rec = client.apply(p).getRecord();
                Gew.Result list = Gew.run("session", "list", "-o", "json");
                assertTrue(list.out().contains(rec.getSessionId()), list.toString());
                sessionDir = Path.of("/sys/fs/bpf/gewyvern/instances", rec.getInstanceId(), "sessions", rec.getSessionId());
                assertTrue(Files.isDirectory(sessionDir), sessionDir.toString());
            }
            Gew.Result status = Gew.run("pair", "--status", "--state-dir", state.toString());
            assertTrue(status.out().contains("paired with          key id"), status.toString());
            Gew.Result json = Gew.run("pair", "--status", "-o", "json", "--state-dir", state.toString());
            assertTrue(json.out().contains("\"paired\": true") && json.out().contains("\"token_pending\": false"),
                    json.toString());
            Gew.Result refused = Gew.run("pair", "--state-dir", state.toString());
            assertEquals(1, refused.exit(), refused.toString());
            assertTrue(refused.err().contains("already paired"), refused.toString());

            serve.process.destroy(); // SIGTERM
            assertEquals(143, serve.waitFor());
            assertFalse(Files.exists(sessionDir, LinkOption.NOFOLLOW_LINKS), "serve detached its sessions");
            assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "socket removed");
        } finally {
            Gew.deleteTree(dir);
        }
    }
}
