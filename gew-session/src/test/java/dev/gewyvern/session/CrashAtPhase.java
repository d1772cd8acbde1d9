package dev.gewyvern.session;

import java.util.ArrayList;
import java.util.List;

import dev.gewyvern.proto.v1.ObjectKind;
import dev.gewyvern.proto.v1.Phase;

/**
 * Run as a child process by {@link PhaseBoundaryKernelTest}: applies the example pipeline and, at the
 * first event of the phase named in args[0], prints {@code AT <phase> <instance> <program ids...>} and
 * waits there to be killed with SIGKILL.
 */
public final class CrashAtPhase {
    private CrashAtPhase() {
    }

    public static void main(String[] args) throws Exception {
        String at = args[0];
        Engine engine = Engine.start(new PinRoot(PinRoot.DEFAULT), "CrashAtPhase " + at);
        List<String> ids = new ArrayList<>();
        engine.apply(EngineKernelTest.execcount().build(), event -> {
            if (event.phase() == Phase.VERIFIED && event.kind() == ObjectKind.OBJECT_KIND_PROGRAM) {
                ids.add(Integer.toString(event.kernelId()));
            }
            if (event.step().word().equals(at)) {
                System.out.println("AT " + at + " " + engine.instanceId() + " " + String.join(" ", ids));
                System.out.flush();
                while (true) {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, 1);
        System.out.println("DONE without stopping at " + at);
    }
}
