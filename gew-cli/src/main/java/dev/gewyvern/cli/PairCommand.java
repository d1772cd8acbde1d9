package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Callable;

import dev.gewyvern.auth.Ed25519;
import dev.gewyvern.auth.PairingToken;
import dev.gewyvern.proto.v1.PeerRecord;
import dev.gewyvern.session.control.Identity;
import dev.gewyvern.session.control.Pairing;
import dev.gewyvern.session.control.StateDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gew pair}: a one-time token for the control plane, or {@code --status} of the pairing. */
@Command(name = "pair", mixinStandardHelpOptions = true,
        description = "Print a one-time pairing token for the control plane (leserpent) to present to `gew serve`, or with --status show the paired control plane.")
final class PairCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--ttl", converter = Durations.class, defaultValue = "10m", paramLabel = "TIME",
            description = "How long the token is valid (default ${DEFAULT-VALUE}).")
    Duration ttl;

    @Option(names = "--replace", description = "Pair a new control plane in place of the current one.")
    boolean replace;

    @Option(names = "--status", description = "Show the paired control plane instead.")
    boolean status;

    @picocli.CommandLine.Mixin
    StateDirOption stateDir;

    @Override
    public Integer call() {
        Root.require("pair");
        PrintWriter out = spec.commandLine().getOut();
        StateDir state = stateDir.open();
        Identity identity = Identity.loadOrCreate(state);
        Pairing pairing = new Pairing(state);
        String fingerprint = HexFormat.of().formatHex(identity.runtimeId());
        if (status) {
            PeerRecord peer = pairing.peer();
            out.println("runtime fingerprint  " + fingerprint);
            if (peer == null) {
                out.println("paired with          nobody (run gew pair to make a token)");
            } else {
                out.println("paired with          key id " + HexFormat.of().formatHex(Ed25519.keyId(peer.getPublicKey()
                        .toByteArray())) + " since " + SessionPrinter.time(peer.getPairedUnixMs()));
            }
            out.println("pending token        " + (pairing.pending() == null ? "none" : "yes"));
            out.flush();
            return 0;
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.toHours() > 24) {
            throw new UserError("--ttl must be between 1s and 24h");
        }
        PairingToken token = pairing.newToken(identity, ttl, replace);
        out.println("runtime fingerprint  " + fingerprint);
        out.println("token (valid " + ttl.toMinutes() + " min, single use):");
        out.println(token.format());
        out.flush();
        return 0;
    }
}
