package dev.gewyvern.cli;

import java.io.PrintWriter;

import dev.gewyvern.session.Engine;
import dev.gewyvern.session.PinRoot;
import dev.gewyvern.session.RiskPolicy;

/** Opens the engine for a command, after the root check, and says what start-up cleanup did. */
final class Engines {
    private Engines() {
    }

    /** An instance whose risk policy is this command line's {@code --allow-risky}. */
    static Engine start(String command, PrintWriter err, RiskPolicy policy) {
        Root.require(command);
        Engine e = Engine.start(new PinRoot(PinRoot.DEFAULT), "gew " + command, policy);
        report(e, err);
        return e;
    }

    static Engine observe(String command, PrintWriter err) {
        Root.require(command);
        Engine e = Engine.observe(new PinRoot(PinRoot.DEFAULT));
        report(e, err);
        return e;
    }

    private static void report(Engine e, PrintWriter err) {
        for (String line : e.cleanedAtStart()) {
            err.println("gew: " + line);
        }
        err.flush();
    }
}
