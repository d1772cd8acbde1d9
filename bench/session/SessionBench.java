// SPDX-License-Identifier: MIT
// Session benchmarks (not tests).
//   SessionBench latency OBJECT N   apply -> detach of the example pipeline in a warm instance, N times
//   SessionBench orphans OBJECT N   apply N sessions, then die without cleanup (Runtime.halt, like SIGKILL)

import java.nio.file.Path;
import java.util.Arrays;

import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.Tracepoint;
import dev.gewyvern.session.Engine;
import dev.gewyvern.session.PhaseListener;
import dev.gewyvern.session.PinRoot;

public final class SessionBench {
    static Pipeline pipeline(Path object) {
        Pipeline.Builder b = Pipeline.newBuilder().setName("bench")
                .addObjects(BpfObject.newBuilder().setId("execcount").setPath(object.toAbsolutePath().toString()));
        String[][] progs = {{"count_execs", "syscalls", "sys_enter_execve"}, {"count_exits", "sched", "sched_process_exit"}};
        for (String[] p : progs) {
            b.addPrograms(Program.newBuilder().setObject("execcount").setName(p[0]).setAttach(AttachTarget.newBuilder()
                    .setTracepoint(Tracepoint.newBuilder().setCategory(p[1]).setName(p[2]))));
        }
        return b.build();
    }

    public static void main(String[] args) throws Exception {
        Path object = Path.of(args[1]);
        int n = Integer.parseInt(args[2]);
        Pipeline p = pipeline(object);
        Engine engine = Engine.start(new PinRoot(PinRoot.DEFAULT), "SessionBench");
        if (args[0].equals("orphans")) {
            // one program per session, spread over the syscall tracepoints: the kernel allows 64 programs
            // on one tracepoint
            java.util.List<String> events;
            try (var s = java.nio.file.Files.list(Path.of("/sys/kernel/tracing/events/syscalls"))) {
                events = s.map(x -> x.getFileName().toString()).filter(x -> x.startsWith("sys_enter_")).sorted().toList();
            }
            for (int i = 0; i < n; i++) {
                Pipeline one = Pipeline.newBuilder().setName("orphan").addObjects(p.getObjects(0))
                        .addPrograms(Program.newBuilder().setObject("execcount").setName("count_execs")
                                .setAttach(AttachTarget.newBuilder().setTracepoint(Tracepoint.newBuilder()
                                        .setCategory("syscalls").setName(events.get(i % events.size()))))).build();
                engine.apply(one, PhaseListener.SILENT, 1);
            }
            System.out.println("left " + n + " sessions behind; dying without cleanup");
            Runtime.getRuntime().halt(0);
        }
        for (int i = 0; i < 50; i++) {
            engine.detach(engine.apply(p, PhaseListener.SILENT, 1).getSessionId()); // warm-up
        }
        long[] ns = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            engine.detach(engine.apply(p, PhaseListener.SILENT, 1).getSessionId());
            ns[i] = System.nanoTime() - t;
        }
        engine.close();
        Arrays.sort(ns);
        System.out.printf("gew apply -> detach (2 programs, 2 maps, 2 links, warm instance), %d runs: p50 %.2f ms, p99 %.2f ms%n",
                n, ns[n / 2] / 1e6, ns[(int) (n * 0.99)] / 1e6);
    }
}
