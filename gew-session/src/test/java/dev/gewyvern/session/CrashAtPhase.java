package dev.gewyvern.session;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Run as a child process by {@link PhaseBoundaryKernelTest}: applies the example pipeline and, at the
 * first event of the phase named in args[0], prints {@code AT <phase> <instance> <program ids...>} and
 * waits there to be killed with SIGKILL.
 */
public final class CrashAtPhase {
    private static final Pattern ID = Pattern.compile("id (\\d+)\\)");

    private CrashAtPhase() {
    }

    public static void main(String[] args) throws Exception {
        String at = args[0];
        Engine engine = Engine.start(new PinRoot(PinRoot.DEFAULT), "CrashAtPhase " + at);
        List<String> ids = new ArrayList<>();
        engine.apply(EngineKernelTest.execcount().build(), (phase, message) -> {
            Matcher m = ID.matcher(message);
            if (phase.equals("verify") && m.find()) {
                ids.add(m.group(1));
            }
            if (phase.equals(at)) {
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
