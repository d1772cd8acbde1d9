// SPDX-License-Identifier: MIT
// The warm path of a control plane (not a test): a paired Java client applying a load-only Pipeline of one
// object (inline bytes) to a running `gew serve` over its Unix socket, signed, again and again. Times each
// ApplySession call (the session is detached after each, untimed) and prints the median and p90 in ms.
// Usage: java -cp ... WarmApply SOCKET TOKEN OBJECT WARMUP RUNS (every program of OBJECT gewyvern can load)

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import com.google.protobuf.ByteString;
import dev.gewyvern.auth.Ed25519;
import dev.gewyvern.auth.PairingToken;
import dev.gewyvern.client.GewClient;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.LoadOnly;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.SessionStatus;

public final class WarmApply {
    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        PairingToken token = PairingToken.parse(args[1]);
        Path object = Path.of(args[2]);
        int warmup = Integer.parseInt(args[3]);
        int runs = Integer.parseInt(args[4]);
        byte[] bytes = Files.readAllBytes(object);
        Pipeline.Builder p = Pipeline.newBuilder().setName("warm").addObjects(BpfObject.newBuilder().setId("o")
                .setContent(ByteString.copyFrom(bytes)));
        for (dev.gewyvern.elf.BpfProgram program : dev.gewyvern.elf.BpfObject.parse(bytes).programs()) {
            if (program.section().isPresent()) {
                p.addPrograms(Program.newBuilder().setObject("o").setName(program.name())
                        .setAttach(AttachTarget.newBuilder().setLoadOnly(LoadOnly.getDefaultInstance())));
            }
        }
        Pipeline pipeline = p.build();
        try (GewClient c = GewClient.unixSocket(socket, Ed25519.generate())) {
            c.pair(token);
            long[] ns = new long[runs];
            for (int i = -warmup; i < runs; i++) {
                long t = System.nanoTime();
                SessionStatus s = c.apply(pipeline);
                long d = System.nanoTime() - t;
                c.detach(s.getRecord().getSessionId());
                if (i >= 0) {
                    ns[i] = d;
                }
            }
            Arrays.sort(ns);
            System.out.printf("%.3f %.3f%n", ns[runs / 2] / 1e6, ns[(int) (runs * 0.9)] / 1e6);
        }
    }
}
